package org.estafeta.mailauth;

import com.google.common.net.InternetDomainName;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import org.estafeta.dns.Dns;

/**
 * DMARC (RFC 7489): does the author's domain (From) stand behind this message, through an SPF pass
 * or a DKIM pass whose domain is aligned with it, and what does it ask us to do if not?
 */
public final class Dmarc {

    public enum Status {
        NONE, PASS, FAIL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the domain owner asks for mail that fails (§6.3 p= / sp=). */
    public enum Policy {
        NONE, QUARANTINE, REJECT
    }

    /**
     * @param policy   what to do with this message: the record's p= or sp=, lowered when pct= sampled it out
     *                 (§6.6.4); NONE on pass
     * @param published the record's policy as written (for the A-R field), null without a record
     */
    public record Result(Status status, String fromDomain, Policy policy, Policy published) {
    }

    private final Dns dns;
    /** 0..99, drawn for pct= sampling (a test fixes it). */
    private final IntSupplier percent;

    public Dmarc(Dns dns, IntSupplier percent) {
        this.dns = dns;
        this.percent = percent;
    }

    /**
     * @param spfDomain the domain SPF checked (MAIL FROM's, or HELO's for a null sender)
     */
    public Result evaluate(String fromDomain, Spf.Result spf, String spfDomain, List<DkimResult> dkim) {
        String from = Spf.stripDot(fromDomain.toLowerCase(Locale.ROOT));
        String org = organizationalDomain(from);
        Map<String, String> record;
        boolean atOrg = false;
        try {
            record = record(from);
            if (record == null && !org.equals(from)) {
                record = record(org);
                atOrg = true;
            }
        } catch (Dns.TemporaryFailure e) {
            return new Result(Status.TEMPERROR, from, Policy.NONE, null);
        }
        if (record == null) return new Result(Status.NONE, from, Policy.NONE, null);
        Policy p = policy(record.get("p"));
        // §6.6.3: a record with a bad or missing p= counts as p=none.
        if (p == null) p = Policy.NONE;
        Policy sp = atOrg && record.containsKey("sp") && policy(record.get("sp")) != null ? policy(record.get("sp")) : p;
        Policy published = atOrg ? sp : p;
        boolean strictSpf = "s".equals(record.get("aspf")), strictDkim = "s".equals(record.get("adkim"));
        boolean pass = spf == Spf.Result.PASS && spfDomain != null && aligned(from, spfDomain, strictSpf)
                || dkim.stream().anyMatch(d -> d.status() == DkimResult.Status.PASS && aligned(from, d.domain(), strictDkim));
        if (pass) return new Result(Status.PASS, from, Policy.NONE, published);
        return new Result(Status.FAIL, from, sampled(published, record.get("pct")), published);
    }

    /** §6.6.4: outside the pct= sample, reject becomes quarantine and quarantine becomes none. */
    private Policy sampled(Policy policy, String pct) {
        int n = 100;
        if (pct != null && pct.matches("[0-9]{1,3}")) n = Math.min(100, Integer.parseInt(pct));
        if (percent.getAsInt() < n) return policy;
        return policy == Policy.REJECT ? Policy.QUARANTINE : Policy.NONE;
    }

    /** The DMARC record of a domain, null if none (§6.6.3: exactly one record starting v=DMARC1). */
    private Map<String, String> record(String domain) throws Dns.TemporaryFailure {
        Map<String, String> found = null;
        for (String txt : dns.txt("_dmarc." + domain).records()) {
            try {
                Map<String, String> tags = TagList.parse(txt);
                if (tags.isEmpty() || !tags.keySet().iterator().next().equals("v") || !"DMARC1".equals(tags.get("v"))) continue;
                if (found != null) return null;
                found = tags;
            } catch (TagList.Malformed e) {
                // not a DMARC record
            }
        }
        return found;
    }

    private static Policy policy(String p) {
        if (p == null) return null;
        return switch (p.toLowerCase(Locale.ROOT)) {
            case "none" -> Policy.NONE;
            case "quarantine" -> Policy.QUARANTINE;
            case "reject" -> Policy.REJECT;
            default -> null;
        };
    }

    /** §3.1: strict means the same name; relaxed the same organizational domain. */
    static boolean aligned(String from, String other, boolean strict) {
        if (other == null) return false;
        String o = Spf.stripDot(other.toLowerCase(Locale.ROOT));
        return strict ? o.equals(from) : organizationalDomain(o).equals(organizationalDomain(from));
    }

    /**
     * §3.2: the registrable domain under the Public Suffix List (Guava's copy); a public suffix itself
     * or a name the list does not cover is its own organizational domain.
     */
    static String organizationalDomain(String domain) {
        try {
            InternetDomainName name = InternetDomainName.from(domain);
            return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : domain;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return domain;
        }
    }
}
