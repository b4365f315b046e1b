package org.estafeta.auth;

import java.net.InetAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.estafeta.store.LoginFailures;
import org.estafeta.store.LoginFailures.Count;
import org.estafeta.store.LoginFailures.Key;

/**
 * Failed logins, counted three ways so that one student's typos do not lock out a classroom behind
 * one address, while guessing is slowed however it is spread:
 * <ul>
 * <li>per address and account: after {@code perLogin} failures in a window that pair is refused until
 * the window ends (a typo-prone user, or one guesser at one account);</li>
 * <li>per account, from any address: after {@code perAccount} failures each further one doubles a
 * delay (1 s, 2 s, 4 s … up to {@code maxDelay}) during which the account is refused unchecked: a
 * botnet guessing from many addresses is slowed to one guess per delay, and the owner is never locked
 * out for longer than that (refused tries do not add to it);</li>
 * <li>per address, coarse: after {@code perAddress} failures in a window, well above a classroom's
 * typos, the address is refused whatever it tries until the window ends.</li>
 * </ul>
 * A success clears the counts of its address-and-account and of its account, never the address's own,
 * or one valid account would buy unlimited guesses at the others. The counts are kept by a
 * {@link LoginFailures}: in memory on one node, in the shared database on a cluster (so a guesser
 * spreading tries over the nodes meets the same limits). One throttle for every protocol of the
 * server; an admin can list and lift blocks. Times come from this node's clock: a cluster's nodes keep
 * theirs in step (NTP), as they must for the queue's leases anyway.
 */
final class FailureThrottle {

    /** Expired counts are swept at most this often (on a failure), so they never pile up. */
    private static final long SWEEP_EVERY_MILLIS = 60_000;
    private static final long FIRST_DELAY_MILLIS = 1000;

    /** What is refused now, and until when. {@code kind} is "address", "login" or "account". */
    record Block(String kind, String subject, int failures, Instant until) {
    }

    private final AuthSettings settings;
    private final long windowMillis;
    private final InstantSource clock;
    private final LoginFailures counts;
    private volatile long lastSweep;

    FailureThrottle(AuthSettings settings, InstantSource clock, LoginFailures counts) {
        this.settings = settings;
        this.windowMillis = settings.failureWindow().toMillis();
        this.clock = clock;
        this.counts = counts;
        this.lastSweep = clock.millis();
    }

    /** Why this try is refused unchecked ("address", "login", "account"), or null when it may be checked. One read. */
    String refusal(InetAddress address, String account) {
        long now = clock.millis();
        List<Key> keys = keys(address, account);
        Map<Key, Count> found = counts.counts(keys);
        for (Key k : keys) {
            Count c = found.get(k);
            if (c != null && now < c.refusedUntil()) return kind(k);
        }
        return null;
    }

    void failed(InetAddress address, String account) {
        long now = clock.millis();
        List<Key> keys = keys(address, account).stream().filter(k -> limit(k) > 0).toList();
        if (!keys.isEmpty()) counts.count(keys, (k, c) -> next(c, limit(k), kind(k).equals("account"), now));
        if (now - lastSweep >= SWEEP_EVERY_MILLIS) {
            lastSweep = now;
            counts.sweep(now - windowMillis, now);
        }
    }

    void succeeded(InetAddress address, String account) {
        if (account.isEmpty()) return;
        counts.remove(List.of(new Key(address.getHostAddress(), account), new Key("", account)));
    }

    /** Everything refused now, longest first. */
    List<Block> blocks() {
        List<Block> out = new ArrayList<>();
        counts.refused(clock.millis()).forEach((k, c) -> out.add(new Block(kind(k), subject(k), c.failures(), Instant.ofEpochMilli(c.refusedUntil()))));
        out.sort(Comparator.comparing(Block::until).reversed().thenComparing(Block::subject));
        return out;
    }

    /**
     * Lifts every block and count whose subject is or involves {@code subject}: an IP address, an
     * account, or one login as {@link #blocks} names it ("ADDRESS ACCOUNT"); how many.
     */
    int unblock(String subject) {
        int space = subject.indexOf(' ');
        if (space < 0) return counts.removeInvolving(subject);
        Key login = new Key(subject.substring(0, space), subject.substring(space + 1).strip());
        int n = counts.counts(List.of(login)).size();
        counts.remove(List.of(login));
        return n;
    }

    /**
     * In the order refusal() reports them: the coarse address first. A blank name (a client sending
     * only spaces as its user) is no account: only the address counts it.
     */
    private static List<Key> keys(InetAddress address, String account) {
        String ip = address.getHostAddress();
        if (account.isEmpty()) return List.of(new Key(ip, ""));
        return List.of(new Key(ip, ""), new Key(ip, account), new Key("", account));
    }

    private static String kind(Key k) {
        return k.account().isEmpty() ? "address" : k.address().isEmpty() ? "account" : "login";
    }

    private static String subject(Key k) {
        return k.account().isEmpty() ? k.address() : k.address().isEmpty() ? k.account() : k.address() + " " + k.account();
    }

    private int limit(Key k) {
        return switch (kind(k)) {
            case "address" -> settings.maxFailuresPerAddress();
            case "login" -> settings.maxFailuresPerLogin();
            default -> settings.maxFailuresPerAccount();
        };
    }

    /** The count after one more failure. */
    private Count next(Count c, int limit, boolean growing, long now) {
        if (c == null || expired(c, now)) c = new Count(now, 0, 0);
        int failures = c.failures() + 1;
        if (failures < limit) return new Count(c.windowStart(), failures, 0);
        if (!growing) return new Count(c.windowStart(), failures, c.windowStart() + windowMillis);
        long delay = Math.min(settings.maxDelay().toMillis(), FIRST_DELAY_MILLIS << Math.min(failures - limit, 30));
        return new Count(c.windowStart(), failures, now + delay);
    }

    /** A count ends with its window, unless a growing delay reaches past it. */
    private boolean expired(Count c, long now) {
        return now - c.windowStart() >= windowMillis && now >= c.refusedUntil();
    }
}
