package org.estafeta.queue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference (equal ones shuffled), or
 * the domain itself when it has no MX but has an address; a null MX (RFC 7505) means it takes no mail.
 */
final class MxResolver {

    /** A lookup that failed; {@code permanent} when the answer is final (no such domain, null MX). */
    static final class DnsFailure extends Exception {
        final boolean permanent;
        final String status;

        DnsFailure(String message, boolean permanent, String status) {
            super(message, null, false, false);
            this.permanent = permanent;
            this.status = status;
        }
    }

    private final Resolver resolver;
    private final Cache cache = new Cache();

    MxResolver(List<String> servers) {
        try {
            if (servers.isEmpty()) {
                resolver = new ExtendedResolver();
            } else {
                List<Resolver> list = new ArrayList<>();
                for (String s : servers) {
                    int colon = s.lastIndexOf(':');
                    String host = colon < 0 ? s : s.substring(0, colon);
                    int port = colon < 0 ? 53 : Integer.parseInt(s.substring(colon + 1));
                    list.add(new SimpleResolver(new InetSocketAddress(InetAddress.getByName(host), port)));
                }
                resolver = new ExtendedResolver(list);
            }
            resolver.setTimeout(Duration.ofSeconds(5));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("dns.servers: " + e.getMessage());
        }
    }

    /** Host names to try, best first. */
    List<String> mailHosts(String domain) throws DnsFailure {
        Lookup lookup = lookup(domain, Type.MX);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> { }
            case Lookup.HOST_NOT_FOUND -> throw new DnsFailure("domain " + domain + " does not exist", true, "5.1.2");
            case Lookup.TYPE_NOT_FOUND -> {
                // §5.1: no MX records, so the domain itself is the implicit MX, if it has an address.
                if (addresses(domain).isEmpty()) throw new DnsFailure("domain " + domain + " has no MX and no address", true, "5.1.2");
                return List.of(domain);
            }
            default -> throw new DnsFailure("DNS lookup of " + domain + " failed: " + lookup.getErrorString(), false, "4.4.3");
        }
        Map<Integer, List<String>> byPreference = new TreeMap<>();
        for (Record r : records) {
            if (r instanceof MXRecord mx) {
                String target = mx.getTarget().toString(true);
                if (target.isEmpty() || mx.getTarget().equals(Name.root)) {
                    throw new DnsFailure("domain " + domain + " does not accept mail (null MX, RFC 7505)", true, "5.1.10");
                }
                byPreference.computeIfAbsent(mx.getPriority(), k -> new ArrayList<>()).add(target);
            }
        }
        List<String> hosts = new ArrayList<>();
        for (List<String> same : byPreference.values()) {
            Collections.shuffle(same);
            hosts.addAll(same);
        }
        return hosts;
    }

    /** IPv4 and IPv6 addresses of a host (IPv4 first: loopback test networks and most MXes have it). */
    List<InetAddress> addresses(String host) throws DnsFailure {
        List<InetAddress> out = new ArrayList<>();
        boolean anyTemporary = false;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup = lookup(host, type);
            Record[] records = lookup.run();
            if (lookup.getResult() == Lookup.TRY_AGAIN || lookup.getResult() == Lookup.UNRECOVERABLE) anyTemporary = true;
            if (records == null) continue;
            for (Record r : records) {
                if (r instanceof ARecord a) out.add(a.getAddress());
                else if (r instanceof AAAARecord a) out.add(a.getAddress());
            }
        }
        if (out.isEmpty() && anyTemporary) throw new DnsFailure("DNS lookup of " + host + " failed", false, "4.4.3");
        out.sort(Comparator.comparing(a -> a.getAddress().length));
        return out;
    }

    private Lookup lookup(String name, int type) throws DnsFailure {
        try {
            Lookup lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
            lookup.setResolver(resolver);
            lookup.setCache(cache);
            lookup.setSearchPath((Name[]) null);
            return lookup;
        } catch (TextParseException e) {
            throw new DnsFailure("bad domain name " + name, true, "5.1.2");
        }
    }
}
