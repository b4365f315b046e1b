package org.estafeta.auth;

import java.time.Duration;
import java.util.List;
import org.estafeta.config.Config;

/**
 * How the {@link Authenticator} behaves, fixed at start.
 *
 * @param defaultDomain appended to a login name without '@', so that the labs' {@code USER pepe} works
 * @param maxFailures failed logins from one client address within {@code failureWindow} after which
 *                    that address is refused until the window ends; 0 turns the throttle off
 * @param cacheTtl how long a verified password is remembered (as a keyed hash, in memory only) so
 *                 that a client polling every minute does not cost an Argon2 computation each time;
 *                 zero turns the cache off
 */
public record AuthSettings(String defaultDomain, int maxFailures, Duration failureWindow, Duration cacheTtl) {

    public AuthSettings {
        if (maxFailures < 0) throw new IllegalArgumentException("auth.max_failures must not be negative");
        if (failureWindow.isNegative() || failureWindow.isZero()) throw new IllegalArgumentException("auth.failure_window must be positive");
        if (cacheTtl.isNegative()) throw new IllegalArgumentException("auth.cache_ttl must not be negative");
    }

    /** The default domain is the first served domain, as for SMTP's bare names. */
    public static AuthSettings from(Config config) {
        List<String> domains = config.server().domains();
        return new AuthSettings(domains.isEmpty() ? config.server().hostname() : domains.getFirst(),
                config.auth().maxFailures(), config.auth().failureWindow(), config.auth().cacheTtl());
    }
}
