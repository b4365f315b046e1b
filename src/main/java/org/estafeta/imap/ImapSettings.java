package org.estafeta.imap;

import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Cidr;
import org.estafeta.config.Config;

/**
 * What an IMAP listener needs to know, fixed at start.
 *
 * @param primaryDomain added to a bare user name in LOGIN ({@code 1 login usuario ...}, as in the labs)
 * @param trustedNetworks clients that may log in before TLS (smtp.relay_networks; one setting for all)
 * @param tls for STARTTLS; the implicit-TLS port is set up by its listener
 * @param lineLength longest command line, literals not counted
 * @param literalLimit largest literal (APPEND)
 * @param errors protocol errors before BYE
 */
public record ImapSettings(String hostname, String primaryDomain, List<Cidr> trustedNetworks, SSLContext tls,
                           int lineLength, long literalLimit, int errors, Duration idleTimeout) {

    public static ImapSettings from(Config config, SSLContext tls) {
        List<String> domains = config.server().domains();
        Config.Limits l = config.limits();
        return new ImapSettings(config.server().hostname(), domains.isEmpty() ? config.server().hostname() : domains.getFirst(),
                config.smtp().relayNetworks(), tls, l.imapLineLength(), l.imapLiteral(), l.errors(), l.imapIdleTimeout());
    }
}
