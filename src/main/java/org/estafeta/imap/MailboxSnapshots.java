package org.estafeta.imap;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongFunction;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.StoreException;

/**
 * The latest message list read for each mailbox, shared by the sessions that have it selected: when
 * new mail wakes ten thousand IDLE sessions of one INBOX, the list is read once, not ten thousand
 * times. An entry is keyed by the HIGHESTMODSEQ and UIDNEXT it was read for (any change moves one of
 * them), so a session never gets a list older than the counters it has seen.
 */
final class MailboxSnapshots {

    /** Beyond this many mailboxes the cache starts afresh; it only saves work and holds no state. */
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(long modSeq, long uidNext, CompletableFuture<List<MessageInfo>> list) {
    }

    private final ConcurrentHashMap<Long, Entry> latest = new ConcurrentHashMap<>();

    /** The list for these counters, loading it (once, whoever asks first) if not cached. */
    List<MessageInfo> get(long mailboxId, long modSeq, long uidNext, LongFunction<List<MessageInfo>> load) {
        if (latest.size() > MAX_ENTRIES) latest.clear();
        boolean[] mine = {false};
        Entry entry = latest.compute(mailboxId, (id, old) -> {
            if (old != null && old.modSeq() == modSeq && old.uidNext() == uidNext && !old.list().isCompletedExceptionally()) return old;
            if (old != null && (old.modSeq() > modSeq || old.uidNext() > uidNext)) return old;
            mine[0] = true;
            return new Entry(modSeq, uidNext, new CompletableFuture<>());
        });
        if (mine[0]) {
            try {
                entry.list().complete(List.copyOf(load.apply(mailboxId)));
            } catch (RuntimeException e) {
                entry.list().completeExceptionally(e);
                latest.remove(mailboxId, entry);
                throw e;
            }
        }
        try {
            return entry.list().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted", e);
        } catch (ExecutionException e) {
            return List.copyOf(load.apply(mailboxId));
        }
    }
}
