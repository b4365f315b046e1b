package org.estafeta.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts open connections in all and per client address, shared by every listener. */
public final class ConnectionLimiter {

    private final int total;
    private final int perAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();

    public ConnectionLimiter(int total, int perAddress) {
        this.total = total;
        this.perAddress = perAddress;
    }

    /** Why a connection from {@code address} may not be served, or null after taking a slot for it. */
    public Refusal tryAcquire(InetAddress address) {
        if (open.incrementAndGet() > total) {
            open.decrementAndGet();
            return Refusal.SERVER_BUSY;
        }
        boolean[] ok = {false};
        byAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= perAddress) return n;
            ok[0] = true;
            return count + 1;
        });
        if (!ok[0]) {
            open.decrementAndGet();
            return Refusal.TOO_MANY_FROM_ADDRESS;
        }
        return null;
    }

    public void release(InetAddress address) {
        byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }

    /** Why a connection is turned away; every protocol says {@link #text()} in its own reply format. */
    public enum Refusal {
        SERVER_BUSY("Too many connections, try again later"),
        TOO_MANY_FROM_ADDRESS("Too many connections from your address");

        private final String text;

        Refusal(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }
}
