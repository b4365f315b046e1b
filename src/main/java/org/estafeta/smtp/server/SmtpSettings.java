package org.estafeta.smtp.server;

import java.util.List;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.net.Networks;

/**
 * What an SMTP listener needs to know, fixed at start.
 *
 * @param hostname our name in greetings and trace headers
 * @param primaryDomain the domain of bare names: {@code RCPT TO:<Postmaster>}, {@code VRFY usuario}
 * @param lenientNetworks clients typing by hand: LF.LF ends DATA, bare local parts, AUTH before TLS (net.lenient_networks)
 * @param relayNetworks clients that may relay without AUTH (smtp.relay_networks)
 * @param atrnDomains domains held for ATRN pickup, each with the one user who may take it
 * @param checkSender authenticated users may only use their own addresses (and aliases) in MAIL FROM
 * @param tls for STARTTLS; the implicit-TLS port is set up by its listener
 */
public record SmtpSettings(String hostname, String primaryDomain, String banner, Config.Limits limits, Networks lenientNetworks, Networks relayNetworks,
                           boolean vrfyLocalUsers, boolean checkSender, java.util.Map<String, String> atrnDomains,
                           SSLContext tls) {

    public static SmtpSettings from(Config config, SSLContext tls) {
        List<String> domains = config.server().domains();
        return new SmtpSettings(config.server().hostname(), domains.isEmpty() ? config.server().hostname() : domains.getFirst(),
                config.smtp().banner(), config.limits(),
                new Networks(config.net().lenientNetworks()), new Networks(config.smtp().relayNetworks()), config.smtp().vrfyLocalUsers(), config.smtp().checkSender(),
                config.smtp().atrnDomains(), tls);
    }
}
