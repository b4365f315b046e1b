package org.estafeta.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference (equal ones shuffled), or
 * the domain itself when it has no MX but has an address; a null MX (RFC 7505) means it takes no mail.
 */
public final class MxResolver {

    /** A lookup that failed; {@code permanent} when the answer is final (no such domain, null MX). */
    public static final class DnsFailure extends Exception {
        public final boolean permanent;
        /** The RFC 3463 status code for a DSN. */
        public final String status;

        DnsFailure(String message, boolean permanent, String status) {
            super(message, null, false, false);
            this.permanent = permanent;
            this.status = status;
        }
    }

    private final Dns dns;

    public MxResolver(Dns dns) {
        this.dns = dns;
    }

    /** Host names to try, best first. */
    public List<String> mailHosts(String domain) throws DnsFailure {
        Dns.Answer<Dns.Mx> answer;
        try {
            answer = dns.mx(domain);
        } catch (Dns.TemporaryFailure f) {
            throw new DnsFailure(f.getMessage(), false, "4.4.3");
        }
        if (!answer.nameExists()) throw new DnsFailure("domain " + domain + " does not exist", true, "5.1.2");
        if (answer.isEmpty()) {
            // §5.1: no MX records, so the domain itself is the implicit MX, if it has an address.
            if (addresses(domain).isEmpty()) throw new DnsFailure("domain " + domain + " has no MX and no address", true, "5.1.2");
            return List.of(domain);
        }
        Map<Integer, List<String>> byPreference = new TreeMap<>();
        for (Dns.Mx mx : answer.records()) {
            if (mx.host().isEmpty() || mx.host().equals(".")) {
                throw new DnsFailure("domain " + domain + " does not accept mail (null MX, RFC 7505)", true, "5.1.10");
            }
            byPreference.computeIfAbsent(mx.preference(), k -> new ArrayList<>()).add(mx.host());
        }
        List<String> hosts = new ArrayList<>();
        for (List<String> same : byPreference.values()) {
            Collections.shuffle(same);
            hosts.addAll(same);
        }
        return hosts;
    }

    /** IPv4 and IPv6 addresses of a host (IPv4 first: loopback test networks and most MXes have it). */
    public List<InetAddress> addresses(String host) throws DnsFailure {
        List<InetAddress> out = new ArrayList<>();
        boolean anyTemporary = false;
        for (boolean v4 : new boolean[] {true, false}) {
            try {
                out.addAll((v4 ? dns.a(host) : dns.aaaa(host)).records());
            } catch (Dns.TemporaryFailure f) {
                anyTemporary = true;
            }
        }
        if (out.isEmpty() && anyTemporary) throw new DnsFailure("DNS lookup of " + host + " failed", false, "4.4.3");
        out.sort(Comparator.comparing(a -> a.getAddress().length));
        return out;
    }
}
