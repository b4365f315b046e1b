package org.estafeta.managesieve;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.net.Networks;
import org.estafeta.sieve.SieveLimits;

/**
 * What a ManageSieve listener needs, fixed at start.
 *
 * @param lineLength longest command line (limits.line_length)
 * @param maxErrors NO replies before the session ends with BYE (limits.errors)
 * @param idleTimeout limits.idle_timeout
 * @param maxScripts scripts per account (limits.sieve_scripts)
 * @param sieve the compiler's limits, limits.sieve_script among them
 * @param lenient clients that may send a password before TLS (net.lenient_networks)
 * @param tls for STARTTLS
 */
public record ManageSieveSettings(String hostname, int lineLength, int maxErrors, Duration idleTimeout, int maxScripts, SieveLimits sieve,
        Networks lenient, SSLContext tls) {

    public static ManageSieveSettings from(Config config, SieveLimits sieve, SSLContext tls) {
        return new ManageSieveSettings(config.server().hostname(), config.limits().lineLength(), config.limits().errors(),
                config.limits().idleTimeout(), config.sieve().maxScripts(), sieve, new Networks(config.net().lenientNetworks()), tls);
    }
}
