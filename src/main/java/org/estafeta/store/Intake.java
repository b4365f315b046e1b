package org.estafeta.store;

import java.time.Instant;
import java.util.List;

/** Where an accepted message goes in one transaction: local mailboxes and the outbound queue. */
public interface Intake {

    /** One queue entry: the message for remote recipients under one envelope sender. */
    record Outgoing(String queueId, Envelope envelope) {
    }

    /**
     * Adds {@code blob} to each local mailbox of {@code local} and queues it once per {@code outgoing}
     * envelope, all or nothing; returns once committed. Concurrent calls share one commit (group
     * commit). {@code structure} is cached beside the local copies (null: computed when first fetched).
     */
    void accept(Blob blob, Instant arrival, List<Filing> local, List<Outgoing> outgoing, MessageStructure structure);
}
