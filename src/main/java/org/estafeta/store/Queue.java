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

    /** Who this queue's leases are taken for: this run of this node. */
    LeaseOwner owner();

    /**
     * Leases recipients that are due (queued and past their next attempt, or failed and waiting for
     * their bounce) to {@link #owner()} for {@code lease}, so no other worker or node takes them
     * meanwhile; optionally only one domain.
     */
    List<Entry> claimDue(Instant now, java.time.Duration lease, int max, String onlyDomain);

    /**
     * Moves the end of the leases this owner still holds among {@code recipientIds} to {@code until}
     * (a delivery outlasting its lease keeps it); returns how many it still holds.
     */
    int renew(java.util.Collection<Long> recipientIds, Instant until);

    /**
     * At start-up: ends the leases of this node's earlier runs (which died with their process, since
     * the data dir lock lets one run at a time be the node), so what they held is due again at once.
     * Other nodes' leases are left alone: those nodes may be sending.
     */
    int releaseLeases();

    /**
     * Records outcomes of recipients this owner still holds and ends their leases; messages with
     * nothing left are removed. Returns the outcomes recorded: one missing lost its lease (it ran
     * out and another node took the recipient over), and the other node's word stands.
     */
    List<Outcome> record(List<Outcome> outcomes);

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
