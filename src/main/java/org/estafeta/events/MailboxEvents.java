package org.estafeta.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process notice that something changed in an account's mailboxes: new mail, flags, expunges,
 * mailboxes created or removed. Listeners are told only "account A, mailbox M changed" and look at
 * the store themselves, so a notice can never be out of date or out of order. Callbacks run on the
 * publisher's thread and must not block (an IMAP session only wakes itself up).
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

    private final ConcurrentHashMap<Long, Set<Listener>> byAccount = new ConcurrentHashMap<>();

    public Subscription subscribe(long accountId, Listener listener) {
        byAccount.computeIfAbsent(accountId, a -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> byAccount.computeIfPresent(accountId, (a, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Tells the account's listeners; call it after the change is committed. */
    public void publish(long accountId, long mailboxId) {
        Set<Listener> listeners = byAccount.get(accountId);
        if (listeners == null) return;
        for (Listener l : listeners) l.changed(mailboxId);
    }

    /** Listeners in all, for tests and metrics. */
    public int listeners() {
        return byAccount.values().stream().mapToInt(Set::size).sum();
    }
}
