package org.estafeta.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

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
 * or one valid account would buy unlimited guesses at the others. Kept in memory, one throttle for
 * every protocol of the server; an admin can list and lift blocks.
 */
final class FailureThrottle {

    /** Above this many entries, expired ones are swept on the next failure. */
    private static final int SWEEP_AT = 10_000;
    private static final long FIRST_DELAY_MILLIS = 1000;

    /** Failures in a window from its first failure; {@code refusedUntil} 0 while not blocked. */
    private record Count(long windowStart, int failures, long refusedUntil) {
    }

    /** What is refused now, and until when. {@code kind} is "address", "login" or "account". */
    record Block(String kind, String subject, int failures, Instant until) {
    }

    private final AuthSettings settings;
    private final long windowMillis;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Count> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Count> byLogin = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Count> byAccount = new ConcurrentHashMap<>();

    FailureThrottle(AuthSettings settings, InstantSource clock) {
        this.settings = settings;
        this.windowMillis = settings.failureWindow().toMillis();
        this.clock = clock;
    }

    /** Why this try is refused unchecked ("address", "login", "account"), or null when it may be checked. */
    String refusal(InetAddress address, String account) {
        long now = clock.millis();
        if (refused(byAddress.get(address.getHostAddress()), now)) return "address";
        if (refused(byLogin.get(login(address, account)), now)) return "login";
        if (refused(byAccount.get(account), now)) return "account";
        return null;
    }

    void failed(InetAddress address, String account) {
        long now = clock.millis();
        count(byAddress, address.getHostAddress(), settings.maxFailuresPerAddress(), now, false);
        count(byLogin, login(address, account), settings.maxFailuresPerLogin(), now, false);
        count(byAccount, account, settings.maxFailuresPerAccount(), now, true);
    }

    void succeeded(InetAddress address, String account) {
        byLogin.remove(login(address, account));
        byAccount.remove(account);
    }

    /** Everything refused now, longest first. */
    List<Block> blocks() {
        long now = clock.millis();
        List<Block> out = new ArrayList<>();
        collect(out, "address", byAddress, now);
        collect(out, "login", byLogin, now);
        collect(out, "account", byAccount, now);
        out.sort(Comparator.comparing(Block::until).reversed());
        return out;
    }

    /** Lifts every block and count whose subject is or involves {@code subject} (an IP address or an account); how many. */
    int unblock(String subject) {
        int before = byAddress.size() + byLogin.size() + byAccount.size();
        byAddress.remove(subject);
        byAccount.remove(subject);
        byLogin.keySet().removeIf(k -> k.equals(subject) || k.startsWith(subject + " ") || k.endsWith(" " + subject));
        return before - (byAddress.size() + byLogin.size() + byAccount.size());
    }

    private static String login(InetAddress address, String account) {
        return address.getHostAddress() + " " + account;
    }

    private void count(ConcurrentHashMap<String, Count> map, String key, int limit, long now, boolean growing) {
        if (limit == 0) return;
        map.compute(key, (k, c) -> {
            if (c == null || expired(c, now)) c = new Count(now, 0, 0);
            int failures = c.failures + 1;
            if (failures < limit) return new Count(c.windowStart, failures, 0);
            if (!growing) return new Count(c.windowStart, failures, c.windowStart + windowMillis);
            long delay = Math.min(settings.maxDelay().toMillis(), FIRST_DELAY_MILLIS << Math.min(failures - limit, 30));
            return new Count(c.windowStart, failures, now + delay);
        });
        if (map.size() > SWEEP_AT) map.values().removeIf(c -> expired(c, now));
    }

    private boolean refused(Count c, long now) {
        return c != null && now < c.refusedUntil;
    }

    /** A count ends with its window, unless a growing delay reaches past it. */
    private boolean expired(Count c, long now) {
        return now - c.windowStart >= windowMillis && now >= c.refusedUntil;
    }

    private void collect(List<Block> out, String kind, ConcurrentHashMap<String, Count> map, long now) {
        map.forEach((subject, c) -> {
            if (refused(c, now)) out.add(new Block(kind, subject, c.failures, Instant.ofEpochMilli(c.refusedUntil)));
        });
    }
}
