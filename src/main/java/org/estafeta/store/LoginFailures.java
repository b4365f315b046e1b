package org.estafeta.store;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The failed-login throttle's counts (auth's FailureThrottle holds the rules; this only keeps the
 * numbers), where every node that serves logins sees them: in memory for one node
 * ({@link LocalLoginFailures}), in the database when nodes share one (a failure through node A counts on
 * node B, and an admin's lift on one node lifts it on all).
 */
public interface LoginFailures {

    /** What is counted: a client address (account ""), an account (address ""), or both (one login). */
    record Key(String address, String account) {
        public Key {
            if (address.isEmpty() && account.isEmpty()) throw new IllegalArgumentException("a count needs an address or an account");
        }
    }

    /** Failures in a window from {@code windowStart}; refused unchecked until {@code refusedUntil} (0 while not). Epoch ms. */
    record Count(long windowStart, int failures, long refusedUntil) {
    }

    /** The counts there are of these keys (absent ones are not in the map). */
    Map<Key, Count> counts(List<Key> keys);

    /**
     * Replaces each key's count with {@code next.apply(key, current)} ({@code current} null when there is
     * none) as one step: no other failure, on any node, is counted between the read and the write.
     */
    void count(List<Key> keys, BiFunction<Key, Count, Count> next);

    /** Forgets these counts. */
    void remove(List<Key> keys);

    /** Forgets every count of this address or account, alone or in a login; how many. */
    int removeInvolving(String addressOrAccount);

    /** The counts refused at {@code now}. */
    Map<Key, Count> refused(long now);

    /** Forgets the counts whose window started at or before {@code windowStartedBy} and that refuse nothing after {@code now}; how many. */
    int sweep(long windowStartedBy, long now);
}
