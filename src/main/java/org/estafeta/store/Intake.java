package org.estafeta.store;

import java.time.Instant;
import java.util.List;

/** Where an accepted message goes in one transaction: local INBOXes and the outbound queue. */
public interface Intake {

    /**
     * Delivers {@code blob} to the INBOX of each local account and queues it for the remote recipients
     * of {@code remote} (if any), all or nothing; returns once committed. Concurrent calls share one
     * commit (group commit).
     */
    default void accept(String queueId, Blob blob, Instant arrival, List<Long> localAccountIds, Envelope remote) {
        accept(queueId, blob, arrival, localAccountIds, remote, null);
    }

    /** As above, with the message's IMAP structure cached beside the local copies (null: computed when first fetched). */
    void accept(String queueId, Blob blob, Instant arrival, List<Long> localAccountIds, Envelope remote, MessageStructure structure);

    /** As above, with each local copy going where its {@link Filing} says (a Sieve script's folders and flags). */
    void acceptFiled(String queueId, Blob blob, Instant arrival, List<Filing> filings, Envelope remote, MessageStructure structure);
}
