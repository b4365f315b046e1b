package org.estafeta.mailauth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.estafeta.dns.Dns;

/**
 * SPF (RFC 7208): may this address send mail for this domain? {@link #check} is §4's check_host()
 * with every mechanism, the macros of §7, and the limits of §4.6.4 (10 DNS-querying terms, 2 void
 * lookups, 10 MX or PTR names) that keep a hostile record from making us a DNS amplifier. DNS
 * timeouts give temperror; anything malformed gives permerror; nothing throws.
 */
public final class Spf {

    /** The results of §2.6, in the words Authentication-Results uses. */
    public enum Result {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** §4.6.4: terms that cause DNS queries, per check. */
    static final int MAX_LOOKUPS = 10;
    /** §4.6.4: lookups that found nothing, per check. */
    static final int MAX_VOID_LOOKUPS = 2;
    /** §4.6.4: MX records per "mx", and PTR names per "ptr". */
    static final int MAX_NAMES = 10;

    private final Dns dns;

    public Spf(Dns dns) {
        this.dns = dns;
    }

    /** Ends the evaluation with a result (errors, and the limits). */
    static final class Outcome extends Exception {
        final Result result;

        Outcome(Result result, String why) {
            super(why, null, false, false);
            this.result = result;
        }
    }

    /** What one check is about, and the lookups it has made so far (shared by includes and redirects). */
    final class Check {
        final InetAddress ip;
        final String sender;
        final String helo;
        int lookups;
        int voids;

        Check(InetAddress ip, String sender, String helo) {
            this.ip = ip;
            this.sender = sender;
            this.helo = helo;
        }

        void countLookup() throws Outcome {
            if (++lookups > MAX_LOOKUPS) throw new Outcome(Result.PERMERROR, "more than " + MAX_LOOKUPS + " DNS lookups");
        }

        <T> List<T> countVoid(Dns.Answer<T> answer) throws Outcome {
            if (answer.isEmpty() && ++voids > MAX_VOID_LOOKUPS) throw new Outcome(Result.PERMERROR, "more than " + MAX_VOID_LOOKUPS + " void lookups");
            return answer.records();
        }
    }

    /**
     * check_host() for a MAIL FROM (or, with an empty reverse-path, postmaster@HELO as §2.4 says).
     *
     * @param sender the reverse-path, or "" for the null one
     */
    public Result check(InetAddress ip, String sender, String helo) {
        String from = sender.isEmpty() ? "postmaster@" + helo : sender.contains("@") ? sender : "postmaster@" + sender;
        String domain = from.substring(from.lastIndexOf('@') + 1);
        Check check = new Check(ip, from, helo);
        try {
            return checkHost(check, domain);
        } catch (Outcome o) {
            return o.result;
        }
    }

    Result checkHost(Check check, String domain) throws Outcome {
        domain = stripDot(domain);
        if (!validDomain(domain)) return Result.NONE;
        String record = record(check, domain);
        if (record == null) return Result.NONE;
        SpfRecord parsed = SpfRecord.parse(record);
        for (SpfRecord.Directive d : parsed.directives()) {
            if (matches(check, domain, d)) return d.qualifier();
        }
        if (parsed.redirect() != null) {
            check.countLookup();
            String target = SpfMacros.expand(parsed.redirect(), check, domain, false, this);
            Result r = checkHost(check, target);
            // §6.1: a redirect to a domain without a record is a permerror.
            return r == Result.NONE ? Result.PERMERROR : r;
        }
        return Result.NEUTRAL;
    }

    /** The one SPF record of a domain, null if there is none (§4.5). */
    private String record(Check check, String domain) throws Outcome {
        List<String> txt;
        try {
            txt = dns.txt(domain).records();
        } catch (Dns.TemporaryFailure e) {
            throw new Outcome(Result.TEMPERROR, e.getMessage());
        }
        List<String> spf = new ArrayList<>();
        for (String t : txt) {
            if (t.regionMatches(true, 0, "v=spf1", 0, 6) && (t.length() == 6 || t.charAt(6) == ' ')) spf.add(t);
        }
        if (spf.size() > 1) throw new Outcome(Result.PERMERROR, "more than one SPF record for " + domain);
        return spf.isEmpty() ? null : spf.getFirst();
    }

    private boolean matches(Check check, String domain, SpfRecord.Directive d) throws Outcome {
        String target = d.domainSpec() == null ? domain : SpfMacros.expand(d.domainSpec(), check, domain, false, this);
        return switch (d.mechanism()) {
            case "all" -> true;
            case "ip4", "ip6" -> inNetwork(check.ip, d.network(), check.ip instanceof Inet4Address ? d.cidr4() : d.cidr6());
            case "a" -> {
                check.countLookup();
                yield anyAddressMatches(check, target, d);
            }
            case "mx" -> {
                check.countLookup();
                List<Dns.Mx> mxs = check.countVoid(query(() -> dns.mx(target)));
                if (mxs.size() > MAX_NAMES) throw new Outcome(Result.PERMERROR, "more than " + MAX_NAMES + " MX records");
                for (Dns.Mx mx : mxs) if (anyAddressMatches(check, mx.host(), d)) yield true;
                yield false;
            }
            case "ptr" -> {
                check.countLookup();
                String validated = validatedName(check, target);
                yield validated != null;
            }
            case "exists" -> {
                check.countLookup();
                yield !check.countVoid(query(() -> dns.a(target))).isEmpty();
            }
            case "include" -> {
                check.countLookup();
                yield switch (checkHost(check, target)) {
                    case PASS -> true;
                    case FAIL, SOFTFAIL, NEUTRAL -> false;
                    case TEMPERROR -> throw new Outcome(Result.TEMPERROR, "include:" + target);
                    case PERMERROR, NONE -> throw new Outcome(Result.PERMERROR, "include:" + target + " has no usable record");
                };
            }
            default -> throw new Outcome(Result.PERMERROR, "unknown mechanism " + d.mechanism());
        };
    }

    private boolean anyAddressMatches(Check check, String host, SpfRecord.Directive d) throws Outcome {
        boolean v4 = check.ip instanceof Inet4Address;
        List<InetAddress> addresses = check.countVoid(query(() -> v4 ? dns.a(host) : dns.aaaa(host)));
        for (InetAddress a : addresses) if (inNetwork(check.ip, a, v4 ? d.cidr4() : d.cidr6())) return true;
        return false;
    }

    /**
     * §5.5: a name the address points back to that also points to the address, and that is the target
     * domain or below it; null if none. Also the %{p} macro's value (with "unknown" for null).
     */
    String validatedName(Check check, String target) throws Outcome {
        List<String> names = check.countVoid(query(() -> dns.ptr(check.ip)));
        int tried = 0;
        for (String name : names) {
            if (++tried > MAX_NAMES) break;
            String n = stripDot(name).toLowerCase(Locale.ROOT);
            List<InetAddress> back;
            try {
                back = (check.ip instanceof Inet4Address ? dns.a(n) : dns.aaaa(n)).records();
            } catch (Dns.TemporaryFailure e) {
                continue;
            }
            if (!back.contains(check.ip)) continue;
            if (target == null) return n;
            String t = target.toLowerCase(Locale.ROOT);
            if (n.equals(t) || n.endsWith("." + t)) return n;
        }
        return null;
    }

    private interface Query<T> {
        Dns.Answer<T> run() throws Dns.TemporaryFailure;
    }

    private static <T> Dns.Answer<T> query(Query<T> q) throws Outcome {
        try {
            return q.run();
        } catch (Dns.TemporaryFailure e) {
            throw new Outcome(Result.TEMPERROR, e.getMessage());
        }
    }

    static boolean inNetwork(InetAddress ip, InetAddress network, int prefix) {
        if (network == null || (ip instanceof Inet4Address) != (network instanceof Inet4Address)) return false;
        byte[] a = ip.getAddress(), b = network.getAddress();
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
        }
        return true;
    }

    static String stripDot(String domain) {
        return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    }

    /** §4.3: a domain we can look up: at least two labels, none empty or longer than 63. */
    static boolean validDomain(String domain) {
        if (domain.isEmpty() || domain.length() > 253 || !domain.contains(".")) return false;
        for (String label : domain.split("\\.", -1)) if (label.isEmpty() || label.length() > 63) return false;
        return true;
    }
}
