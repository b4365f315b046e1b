package org.estafeta.smtp.server;

import java.util.List;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Cidr;
import org.estafeta.config.Config;

/**
 * What an SMTP listener needs to know, fixed at start.
 *
 * @param hostname our name in greetings and trace headers
 * @param primaryDomain the domain of bare names: {@code RCPT TO:<Postmaster>}, {@code VRFY usuario}
 * @param trustedNetworks clients that may relay and end DATA leniently (smtp.relay_networks)
 * @param atrnDomains domains held for ATRN pickup, each with the one user who may take it
 * @param checkSender authenticated users may only use their own addresses (and aliases) in MAIL FROM
 * @param tls for STARTTLS; the implicit-TLS port is set up by its listener
 */
public record SmtpSettings(String hostname, String primaryDomain, String banner, Config.Limits limits, List<Cidr> trustedNetworks,
                           boolean vrfyLocalUsers, boolean checkSender, java.util.Map<String, String> atrnDomains,
                           SSLContext tls) {

    public static SmtpSettings from(Config config, SSLContext tls) {
        List<String> domains = config.server().domains();
        return new SmtpSettings(config.server().hostname(), domains.isEmpty() ? config.server().hostname() : domains.getFirst(),
                config.smtp().banner(), config.limits(),
                config.smtp().relayNetworks(), config.smtp().vrfyLocalUsers(), config.smtp().checkSender(),
                config.smtp().atrnDomains(), tls);
    }
}
