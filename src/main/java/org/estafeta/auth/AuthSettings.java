package org.estafeta.auth;

import java.time.Duration;
import java.util.List;
import org.estafeta.config.Config;

/**
 * How the {@link Authenticator} behaves, fixed at start.
 *
 * @param defaultDomain appended to a login name without '@', so that the labs' {@code USER pepe} works
 * @param maxFailuresPerAddress failed logins from one client address within {@code failureWindow} after
 *                    which that address is refused until the window ends; 0 turns this count off
 * @param maxFailuresPerLogin the same for one account from one address
 * @param maxFailuresPerAccount failures at one account from anywhere after which each further one
 *                    doubles a delay (up to {@code maxDelay}) during which it is refused; 0 = off
 * @param cacheTtl how long a verified password is remembered (as a keyed hash, in memory only) so
 *                 that a client polling every minute does not cost an Argon2 computation each time;
 *                 zero turns the cache off
 */
public record AuthSettings(String defaultDomain, int maxFailuresPerAddress, int maxFailuresPerLogin, int maxFailuresPerAccount,
                           Duration failureWindow, Duration maxDelay, Duration cacheTtl) {

    public AuthSettings {
        if (maxFailuresPerAddress < 0 || maxFailuresPerLogin < 0 || maxFailuresPerAccount < 0) {
            throw new IllegalArgumentException("auth.max_failures* must not be negative");
        }
        if (!maxDelay.isPositive()) throw new IllegalArgumentException("auth.max_delay must be positive");
        if (failureWindow.isNegative() || failureWindow.isZero()) throw new IllegalArgumentException("auth.failure_window must be positive");
        if (cacheTtl.isNegative()) throw new IllegalArgumentException("auth.cache_ttl must not be negative");
    }

    /** The default domain is the first served domain, as for SMTP's bare names. */
    public static AuthSettings from(Config config) {
        List<String> domains = config.server().domains();
        return new AuthSettings(domains.isEmpty() ? config.server().hostname() : domains.getFirst(),
                config.auth().maxFailures(), config.auth().maxFailuresPerLogin(), config.auth().maxFailuresPerAccount(),
                config.auth().failureWindow(), config.auth().maxDelay(), config.auth().cacheTtl());
    }
}
