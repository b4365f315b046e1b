package org.estafeta.pop3;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.net.Networks;

/**
 * What a POP3 listener needs to know, fixed at start.
 *
 * @param hostname our name in the greeting and sign-off
 * @param lineLength longest command line (limits.line_length)
 * @param maxErrors -ERR replies after which the session is closed (limits.errors)
 * @param idleTimeout the autologout timer (pop3.idle_timeout; RFC 1939 §3 wants at least 10 minutes)
 * @param retrSetsSeen RETR marks messages \Seen at QUIT (pop3.retr_sets_seen)
 * @param lenient clients that may send a password before TLS (net.lenient_networks)
 * @param tls for STLS; the implicit-TLS port is set up by its listener
 */
public record Pop3Settings(String hostname, int lineLength, int maxErrors, Duration idleTimeout, boolean retrSetsSeen,
                           Networks lenient, SSLContext tls) {

    public static Pop3Settings from(Config config, SSLContext tls) {
        return new Pop3Settings(config.server().hostname(), config.limits().lineLength(), config.limits().errors(),
                config.pop3().idleTimeout(), config.pop3().retrSetsSeen(), new Networks(config.net().lenientNetworks()), tls);
    }
}
