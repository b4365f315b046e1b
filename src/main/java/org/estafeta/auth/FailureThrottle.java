package org.estafeta.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per client address in a fixed window that starts at the first failure. At
 * the limit, the address is refused without a check until the window has passed, whatever it tries
 * and on every protocol (one throttle for the whole server). Successes do not reset it, or one valid
 * account would buy unlimited guesses at others.
 */
final class FailureThrottle {

    /** Above this many addresses, expired entries are swept on the next failure. */
    private static final int SWEEP_AT = 10_000;

    private record Window(long startMillis, int failures) {
    }

    private final int limit;
    private final long windowMillis;
    private final InstantSource clock;
    private final ConcurrentHashMap<InetAddress, Window> byAddress = new ConcurrentHashMap<>();

    FailureThrottle(int limit, Duration window, InstantSource clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    boolean blocked(InetAddress address) {
        if (limit == 0) return false;
        Window w = byAddress.get(address);
        return w != null && !expired(w, clock.millis()) && w.failures >= limit;
    }

    void failed(InetAddress address) {
        if (limit == 0) return;
        long now = clock.millis();
        byAddress.compute(address, (a, w) -> w == null || expired(w, now) ? new Window(now, 1) : new Window(w.startMillis, w.failures + 1));
        if (byAddress.size() > SWEEP_AT) byAddress.values().removeIf(w -> expired(w, now));
    }

    private boolean expired(Window w, long now) {
        return now - w.startMillis >= windowMillis;
    }
}
