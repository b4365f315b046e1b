package org.estafeta.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * {@link LoginFailures} in this process's memory: what one SQLite node uses. Nothing is shared with a
 * single node, and on SQLite a table would cost the one writer (which commits mail with an fsync each
 * time) a write per failed login, three counts each: a password-guessing burst would then slow mail
 * delivery, and a failed login would wait its turn behind deliveries. A restart forgets the counts,
 * which only gives a guesser a fresh window. The CLI reaches these counts through the server's
 * control socket.
 */
public final class LocalLoginFailures implements LoginFailures {

    private final ConcurrentHashMap<Key, Count> counts = new ConcurrentHashMap<>();

    @Override
    public Map<Key, Count> counts(List<Key> keys) {
        Map<Key, Count> out = new HashMap<>();
        for (Key k : keys) {
            Count c = counts.get(k);
            if (c != null) out.put(k, c);
        }
        return out;
    }

    @Override
    public void count(List<Key> keys, BiFunction<Key, Count, Count> next) {
        // Each key on its own: no other process shares them, and each compute is atomic for its key.
        for (Key k : keys) counts.compute(k, next::apply);
    }

    @Override
    public void remove(List<Key> keys) {
        keys.forEach(counts::remove);
    }

    @Override
    public int removeInvolving(String addressOrAccount) {
        int before = counts.size();
        counts.keySet().removeIf(k -> k.address().equals(addressOrAccount) || k.account().equals(addressOrAccount));
        return before - counts.size();
    }

    @Override
    public Map<Key, Count> refused(long now) {
        Map<Key, Count> out = new HashMap<>();
        counts.forEach((k, c) -> {
            if (now < c.refusedUntil()) out.put(k, c);
        });
        return out;
    }

    @Override
    public int sweep(long windowStartedBy, long now) {
        int before = counts.size();
        counts.values().removeIf(c -> c.windowStart() <= windowStartedBy && c.refusedUntil() <= now);
        return before - counts.size();
    }
}
