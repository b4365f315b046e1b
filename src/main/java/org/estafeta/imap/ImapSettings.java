package org.estafeta.imap;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.net.Networks;

/**
 * What an IMAP listener needs to know, fixed at start.
 *
 * @param lenient clients that may log in before TLS (net.lenient_networks; one setting for all protocols)
 * @param tls for STARTTLS; the implicit-TLS port is set up by its listener
 * @param lineLength longest command line, literals not counted
 * @param literalLimit largest literal
 * @param appendLimit largest message APPEND takes: limits.message_size, like SMTP, within the literal limit
 * @param commandLiterals octets of literals one command may hold in memory (all but APPEND's message)
 * @param searchKeys search keys in one SEARCH, SORT or THREAD
 * @param errors protocol errors before BYE
 */
public record ImapSettings(String hostname, Networks lenient, SSLContext tls,
                           int lineLength, long literalLimit, long appendLimit, long commandLiterals, int searchKeys,
                           int errors, Duration idleTimeout, int mimeParts) {

    public static ImapSettings from(Config config, SSLContext tls) {
        Config.Limits l = config.limits();
        return new ImapSettings(config.server().hostname(), new Networks(config.net().lenientNetworks()), tls, l.imapLineLength(), l.imapLiteral(),
                Math.min(l.imapLiteral(), l.messageSize()), l.imapCommandLiterals(), l.imapSearchKeys(), l.errors(),
                l.imapIdleTimeout(), l.mimeParts());
    }
}
