package org.estafeta.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The outbound queue as the delivery workers and the admin see it. */
public interface Queue {

    /** One recipient of a queued message, with what its delivery needs; {@code options} as in {@link Envelope}. */
    record Entry(long recipientId, String queueId, String sender, String blob, long size, String envelopeId, String ret,
                 Instant created, Envelope.Recipient recipient, String status, int attempts, Instant nextAttempt,
                 String lastError, String remoteMta, boolean delayNotified, java.util.Set<MailOption> options) {

        public boolean has(MailOption option) {
            return options.contains(option);
        }

        /** The same entry with another last error and remote MTA (for a notice about this attempt). */
        public Entry withResult(Instant nextAttempt, String error, String mta) {
            return new Entry(recipientId, queueId, sender, blob, size, envelopeId, ret, created, recipient, status, attempts,
                    nextAttempt, error, mta, delayNotified, options);
        }
    }

    /** What happened to one recipient in an attempt. */
    sealed interface Outcome {
        long recipientId();

        record Delivered(long recipientId, String remoteMta, String reply) implements Outcome {
        }

        record Deferred(long recipientId, String remoteMta, String error, Instant nextAttempt) implements Outcome {
        }

        /** A permanent failure: the recipient waits for its bounce. */
        record Failed(long recipientId, String remoteMta, String error) implements Outcome {
        }

        /** Nothing more to do for it (its bounce or delay notice has been made). */
        record Done(long recipientId) implements Outcome {
        }

        record DelayNotified(long recipientId) implements Outcome {
        }
    }

    /**
     * Leases recipients that are due (queued and past their next attempt, or failed and waiting for
     * their bounce) for {@code lease}, so no other worker takes them meanwhile; optionally only one domain.
     */
    List<Entry> claimDue(Instant now, java.time.Duration lease, int max, String onlyDomain);

    /**
     * Ends every lease: at start-up, what a crashed run had leased is free again at once rather than
     * when its lease runs out. (Right for one node per store; several nodes will need lease owners.)
     */
    int releaseLeases();

    /** Records outcomes and ends their leases; messages with nothing left are removed. */
    void record(List<Outcome> outcomes);

    List<Entry> list();

    List<Entry> show(String queueId);

    /** Makes the message's (or every, when null) queued recipient due now; returns how many. */
    int retry(String queueIdOrNull);

    /** Makes queued recipients of {@code domain} due now (ETRN); returns how many. */
    int retryDomain(String domain);

    /** Drops a message from the queue without notice; returns whether it existed. */
    boolean delete(String queueId);

    /** Fails every queued recipient of the message so that the sender gets a bounce; returns how many. */
    int bounce(String queueId, String reason);

    Optional<Instant> nextDue();
}
