package org.estafeta.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
    default void deliverToInboxes(Blob blob, List<Long> accountIds, Instant internalDate) {
        deliverToInboxes(blob, accountIds, internalDate, null);
    }

    /** As above, with the message's IMAP structure cached beside it (null: computed on first use). */
    void deliverToInboxes(Blob blob, List<Long> accountIds, Instant internalDate, MessageStructure structure);

    Optional<Mailbox> mailbox(long mailboxId);

    /** Creates a mailbox (not subscribed); {@link Conflict} if the name exists. */
    Mailbox create(long accountId, String name, String specialUse);

    /** Removes a mailbox with its messages. */
    void delete(long mailboxId);

    /**
     * Renames a mailbox and the mailboxes below it ({@code from/...}); {@link Conflict} if a target
     * exists. Renaming INBOX moves its messages into a new mailbox and leaves INBOX empty (RFC 9051 §6.3.6).
     */
    void rename(long accountId, String from, String to);

    /** Sets the subscription of an existing mailbox; false when there is no such mailbox. */
    boolean subscribe(long accountId, String name, boolean subscribed);

    /** Names of the subscribed mailboxes. */
    Set<String> subscriptions(long accountId);

    MailboxStatus status(long mailboxId);

    /** Bytes used by all of an account's messages (QUOTA STORAGE). */
    long usage(long accountId);
}
