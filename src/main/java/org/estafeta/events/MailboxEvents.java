package org.estafeta.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notice that something changed in an account's mailboxes: new mail, flags, expunges,
 * mailboxes created or removed. Listeners are told only "account A, mailbox M changed" and look at
 * the store themselves, so a notice can never be out of date or out of order. Callbacks run on the
 * publisher's thread and must not block (an IMAP session only wakes itself up). On one node the notices
 * stay in the process; in a cluster {@link ClusterNotices} carries them to the other nodes too.
 */
public final class MailboxEvents {

    /** Something to wake up. */
    @FunctionalInterface
    public interface Listener {
        /** {@code mailboxId} changed; -1 when it is not known which (or the list of mailboxes changed). */
        void changed(long mailboxId);
    }

    /** Stops the notices when closed. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Carries this node's notices to the other nodes of a cluster ({@link ClusterNotices}); must not block. */
    @FunctionalInterface
    public interface Broadcast {
        void send(long accountId, long mailboxId);
    }

    private final ConcurrentHashMap<Long, Set<Listener>> byAccount = new ConcurrentHashMap<>();
    /** One node alone: nobody to tell. */
    private volatile Broadcast broadcast = (accountId, mailboxId) -> { };

    /** From now on every notice published here is also sent to the other nodes. */
    public void broadcastTo(Broadcast broadcast) {
        this.broadcast = broadcast;
    }

    public Subscription subscribe(long accountId, Listener listener) {
        byAccount.computeIfAbsent(accountId, a -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> byAccount.computeIfPresent(accountId, (a, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Tells the account's listeners, on this node and the others; call it after the change is committed. */
    public void publish(long accountId, long mailboxId) {
        tellListeners(accountId, mailboxId);
        broadcast.send(accountId, mailboxId);
    }

    /** A notice that another node published: told to this node's listeners only. */
    public void arrived(long accountId, long mailboxId) {
        tellListeners(accountId, mailboxId);
    }

    /**
     * Notices from the other nodes may have been missed (the link to them was down): every listener is
     * told that something may have changed, and looks at the store.
     */
    public void mayHaveMissed() {
        for (var e : byAccount.entrySet()) tellListeners(e.getKey(), -1);
    }

    private void tellListeners(long accountId, long mailboxId) {
        Set<Listener> listeners = byAccount.get(accountId);
        if (listeners == null) return;
        for (Listener l : listeners) l.changed(mailboxId);
    }

    /** Listeners in all, for tests and metrics. */
    public int listeners() {
        return byAccount.values().stream().mapToInt(Set::size).sum();
    }
}
