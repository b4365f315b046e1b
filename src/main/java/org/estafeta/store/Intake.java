package org.estafeta.store;

import java.time.Instant;
import java.util.List;

/** Where an accepted message goes in one transaction: local mailboxes and the outbound queue. */
public interface Intake {

    /** One queue entry: the message for remote recipients under one envelope sender. */
    record Outgoing(String queueId, Envelope envelope) {
    }

    /** One message's rows: {@code summary} is cached beside the local copies (null: computed when first read). */
    record Arrival(Blob blob, Instant arrival, List<Filing> local, List<Outgoing> outgoing, MessageSummary summary) {
        public Arrival {
            local = List.copyOf(local);
            outgoing = List.copyOf(outgoing);
        }
    }

    /** Where one local copy went. */
    record Filed(long mailboxId, long uid) {
    }

    /**
     * Adds each message to its local mailboxes and queues it once per outgoing envelope, all messages
     * or none (IMAP MULTIAPPEND, RFC 3502); returns once committed, for each message where its local
     * copies went (in the order of its {@code local}). Concurrent calls share one commit (group commit).
     */
    List<List<Filed>> acceptAll(List<Arrival> messages);

    /** One message: {@link #acceptAll} of one. */
    default List<Filed> accept(Blob blob, Instant arrival, List<Filing> local, List<Outgoing> outgoing, MessageSummary summary) {
        return acceptAll(List.of(new Arrival(blob, arrival, local, outgoing, summary))).getFirst();
    }
}
