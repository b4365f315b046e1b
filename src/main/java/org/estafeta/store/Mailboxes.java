package org.estafeta.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Folders and the messages in them. */
public interface Mailboxes {

    List<Mailbox> mailboxes(long accountId);

    Optional<Mailbox> mailbox(long accountId, String name);

    /** Messages of a mailbox in UID order. */
    List<StoredMessage> messages(long mailboxId);

    /**
     * Puts one durable blob into the INBOX of each account, all or nothing, and returns once the rows
     * are committed. Concurrent calls share one commit (group commit).
     */
    void deliverToInboxes(Blob blob, List<Long> accountIds, Instant internalDate);
}
