package org.estafeta.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.estafeta.config.Config;
import org.estafeta.dns.Dns;
import org.estafeta.mailauth.DkimKey;
import org.estafeta.mailauth.DkimKeys;
import org.estafeta.mailauth.MtaStsPolicy;
import org.estafeta.mailauth.MtaStsRecord;

/**
 * The DNS records a domain of ours should publish, made from what this server really is (its host
 * name, its DKIM keys, its listeners, its MTA-STS policy), and each compared with what the resolver
 * finds: ok, missing or different. Shared by {@code estafeta dns DOMAIN} and the web admin.
 */
public final class DnsRecords {

    public enum Type { MX, TXT, CNAME, SRV }

    public enum State {
        OK, MISSING, DIFFERENT,
        /** The resolver gave no answer (timeout, SERVFAIL): nothing can be said. */
        UNKNOWN;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A record to publish: owner name (absolute, with the dot), type, value in zone-file syntax, and what it is for. */
    public record Wanted(String name, Type type, String value, String purpose) {
        public String zoneLine() {
            return name + " IN " + type + " " + value;
        }
    }

    /** A record and what the resolver said: the published values that were compared. */
    public record Checked(Wanted wanted, State state, List<String> published) {
    }

    /** RFC 6186 / RFC 8314 §5.1 services and the listener each comes from. */
    private record Service(String label, int port) {
    }

    private final Config config;
    private final Config.Ports ports;
    private final DkimKeys dkim;
    private final Dns dns;

    /** @param ports the listeners' ports as bound (a running server) or as configured (the CLI); -1 for one that is off */
    public DnsRecords(Config config, Config.Ports ports, DkimKeys dkim, Dns dns) {
        this.config = config;
        this.ports = ports;
        this.dkim = dkim;
        this.dns = dns;
    }

    /** The MTA-STS policy we serve (RFC 8461 §3.2): mode and max_age from config, our host name as the one mx. */
    public String mtaStsPolicy() {
        Config.MtaSts c = config.mailAuth().mtaSts();
        return MtaStsPolicy.render(MtaStsPolicy.Mode.of(c.mode()), List.of(config.server().hostname()), c.maxAge());
    }

    public List<Wanted> wanted(String domain) throws IOException {
        String d = domain.toLowerCase(Locale.ROOT), host = config.server().hostname() + ".";
        List<Wanted> out = new ArrayList<>();
        out.add(new Wanted(d + ".", Type.MX, "10 " + host, "mail for the domain comes here"));
        out.add(new Wanted(d + ".", Type.TXT, quoted("v=spf1 mx -all"), "SPF: only the MX hosts send for the domain"));
        for (DkimKey key : dkim.forDomain(d)) {
            out.add(new Wanted(key.recordName() + ".", Type.TXT, quoted(key.recordText()), "DKIM key " + key.selector() + " (" + key.algorithmName() + ")"));
        }
        out.add(new Wanted("_dmarc." + d + ".", Type.TXT, quoted("v=DMARC1; p=quarantine; rua=mailto:postmaster@" + d),
                "DMARC: what receivers do with mail that fails SPF and DKIM alignment"));
        out.add(new Wanted("_mta-sts." + d + ".", Type.TXT, quoted(MtaStsRecord.text(MtaStsRecord.idFor(mtaStsPolicy()))),
                "MTA-STS: policy at https://mta-sts." + d + "/.well-known/mta-sts.txt (the id changes with it)"));
        out.add(new Wanted("mta-sts." + d + ".", Type.CNAME, host, "MTA-STS policy host, served by our web port"));
        out.add(new Wanted("_smtp._tls." + d + ".", Type.TXT, quoted("v=TLSRPTv1; rua=mailto:postmaster@" + d), "TLS-RPT (RFC 8460): where reports go"));
        Config.Ports p = ports;
        for (Service s : List.of(new Service("_submissions._tcp.", p.smtps()), new Service("_submission._tcp.", p.submission()),
                new Service("_imaps._tcp.", p.imaps()), new Service("_imap._tcp.", p.imap()),
                new Service("_pop3s._tcp.", p.pop3s()), new Service("_pop3._tcp.", p.pop3()))) {
            // RFC 6186 §4: a service not offered is published with the target "."; implicit TLS first (RFC 8314 §5.1).
            boolean on = s.port() > 0;
            out.add(new Wanted(s.label() + d + ".", Type.SRV, on ? (s.label().contains("s._") ? "0" : "10") + " 1 " + s.port() + " " + host : "0 0 0 .",
                    "client discovery (RFC 6186)"));
        }
        out.add(new Wanted("autoconfig." + d + ".", Type.CNAME, host, "Thunderbird autoconfiguration"));
        return out;
    }

    public List<Checked> check(String domain) throws IOException {
        List<Checked> out = new ArrayList<>();
        for (Wanted w : wanted(domain)) out.add(check(w));
        return out;
    }

    private Checked check(Wanted w) {
        String name = w.name().substring(0, w.name().length() - 1);
        try {
            return switch (w.type()) {
                case MX -> compare(w, dns.mx(name).records().stream().map(m -> m.preference() + " " + absolute(m.host())).toList(),
                        published -> published.stream().anyMatch(v -> sameHost(v.substring(v.indexOf(' ') + 1), config.server().hostname())));
                case CNAME -> compare(w, dns.cname(name).records().stream().map(DnsRecords::absolute).toList(),
                        published -> published.stream().anyMatch(v -> sameHost(v, config.server().hostname())));
                case SRV -> compare(w, dns.srv(name).records().stream().map(r -> r.priority() + " " + r.weight() + " " + r.port() + " " + absolute(r.target())).toList(),
                        published -> published.stream().anyMatch(v -> sameSrv(v, w.value())));
                case TXT -> {
                    String want = unquoted(w.value());
                    // Only the TXT records of the same kind (v=spf1, v=DKIM1, ...) are the ones to compare.
                    String kind = want.split(";| ", 2)[0];
                    List<String> same = dns.txt(name).records().stream().filter(t -> t.startsWith(kind)).map(DnsRecords::quoted).toList();
                    yield compare(w, same, published -> published.stream().anyMatch(v -> normal(unquoted(v)).equals(normal(want))));
                }
            };
        } catch (Dns.TemporaryFailure f) {
            return new Checked(w, State.UNKNOWN, List.of());
        }
    }

    private static Checked compare(Wanted w, List<String> published, java.util.function.Predicate<List<String>> matches) {
        if (published.isEmpty()) return new Checked(w, State.MISSING, published);
        return new Checked(w, matches.test(published) ? State.OK : State.DIFFERENT, published);
    }

    private static boolean sameHost(String a, String b) {
        return absolute(a.strip().toLowerCase(Locale.ROOT)).equals(absolute(b.strip().toLowerCase(Locale.ROOT)));
    }

    private static boolean sameSrv(String a, String b) {
        String[] x = a.split(" "), y = b.split(" ");
        return x.length == 4 && y.length == 4 && x[2].equals(y[2]) && sameHost(x[3], y[3]) && (x[3].equals(".") == y[3].equals("."));
    }

    private static String absolute(String host) {
        return host.endsWith(".") ? host : host + ".";
    }

    /** Tags compared without the blanks around them: "v=spf1  mx -all" and "v=DMARC1;p=quarantine" count as written. */
    private static String normal(String txt) {
        return txt.strip().replaceAll("\\s*;\\s*", ";").replaceAll("\\s+", " ").replaceAll(";$", "");
    }

    /** Zone-file quoting; a value over 255 octets is split into several strings (RFC 1035 §3.3.14). */
    static String quoted(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i += 255) {
            if (i > 0) sb.append(' ');
            sb.append('"').append(text.substring(i, Math.min(text.length(), i + 255)).replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }

    private static String unquoted(String value) {
        StringBuilder sb = new StringBuilder();
        for (String part : value.split("\"\\s*\"")) sb.append(part.replace("\"", "").replace("\\", ""));
        return sb.toString();
    }
}
