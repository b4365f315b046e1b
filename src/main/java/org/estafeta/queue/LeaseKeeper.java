package org.estafeta.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.estafeta.store.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of the recipients this node is working on: every quarter of the lease it moves
 * their end a whole lease ahead. A lease can then be short (a dead node's recipients are due again
 * within a couple of minutes) and still outlast any delivery, however long a slow peer keeps a
 * connection busy with one message after the other: while this node lives and reaches the database,
 * no other node starts sending what it is sending. Should it lose a lease anyway (the database out of
 * reach for longer than a lease), its outcome is dropped by {@link Queue#record} and the node that
 * took the recipient over has the last word.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Queue queue;
    private final Duration lease;
    /** Recipient ids claimed and not yet recorded. */
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    LeaseKeeper(Queue queue, Duration lease) {
        this.queue = queue;
        this.lease = lease;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("queue-leases").daemon().factory());
        long every = Math.max(1, lease.toMillis() / 4);
        timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    Duration lease() {
        return lease;
    }

    /** Keeps these entries' leases until {@link #release}. */
    void hold(Collection<Queue.Entry> entries) {
        entries.forEach(e -> held.add(e.recipientId()));
    }

    void release(Collection<Queue.Entry> entries) {
        entries.forEach(e -> held.remove(e.recipientId()));
    }

    private void renew() {
        List<Long> ids = List.copyOf(held);
        if (ids.isEmpty()) return;
        try {
            queue.renew(ids, Instant.now().plus(lease));
        } catch (RuntimeException e) {
            // The next round tries again; the lease has three more rounds before it runs out.
            log.warn("queue: cannot renew the leases of {} recipient(s) in progress: {}", ids.size(), e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
