package org.estafeta.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The one DNS resolver of the server, on dnsjava: the servers of {@code dns.servers} (or the system's),
 * answers cached for their TTL (dnsjava's {@link Cache} honours each record's TTL and caches negative
 * answers for the SOA minimum, RFC 2308), and a failure to get an answer (timeout, SERVFAIL) is a
 * {@link TemporaryFailure} that callers must turn into "try again", never into "no records".
 */
public final class Dns {

    /** No answer could be had now (timeout, SERVFAIL, network error): the same question may work later. */
    public static final class TemporaryFailure extends Exception {
        public TemporaryFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What the DNS said for one name and type: the records (empty when none), and whether the name
     * exists at all — NXDOMAIN and "no records of this type" differ for SPF's void lookups and for
     * the implicit MX. A name that is not a valid domain name is reported as not existing.
     */
    public record Answer<T>(List<T> records, boolean nameExists) {
        public Answer {
            records = List.copyOf(records);
        }

        static <T> Answer<T> noSuchName() {
            return new Answer<>(List.of(), false);
        }

        public boolean isEmpty() {
            return records.isEmpty();
        }
    }

    /** One MX record. */
    public record Mx(int preference, String host) {
    }

    /** One SRV record (RFC 2782); target "." means the service is not offered there. */
    public record Srv(int priority, int weight, int port, String target) {
    }

    private final Resolver resolver;
    private final Cache cache = new Cache();

    /** @param servers {@code host:port} (port 53 when left out); empty means the system's resolvers */
    public Dns(List<String> servers, Duration timeout) {
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
            resolver.setTimeout(timeout);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("dns.servers: " + e.getMessage());
        }
    }

    /**
     * TXT records, each one string made of its character-strings joined without a separator (RFC 7208
     * §3.3, RFC 6376 §3.6.2.2). Bytes are read as Latin-1 so that garbage never fails to decode.
     */
    public Answer<String> txt(String name) throws TemporaryFailure {
        return query(name, Type.TXT, r -> {
            StringBuilder joined = new StringBuilder();
            for (byte[] part : ((TXTRecord) r).getStringsAsByteArrays()) joined.append(new String(part, StandardCharsets.ISO_8859_1));
            return joined.toString();
        });
    }

    public Answer<Mx> mx(String name) throws TemporaryFailure {
        return query(name, Type.MX, r -> new Mx(((MXRecord) r).getPriority(), ((MXRecord) r).getTarget().toString(true)));
    }

    public Answer<Srv> srv(String name) throws TemporaryFailure {
        return query(name, Type.SRV, r -> {
            var srv = (org.xbill.DNS.SRVRecord) r;
            return new Srv(srv.getPriority(), srv.getWeight(), srv.getPort(), srv.getTarget().toString(true));
        });
    }

    /** The target of a CNAME at the name itself (not followed). */
    public Answer<String> cname(String name) throws TemporaryFailure {
        return query(name, Type.CNAME, r -> ((org.xbill.DNS.CNAMERecord) r).getTarget().toString(true));
    }

    public Answer<InetAddress> a(String name) throws TemporaryFailure {
        return query(name, Type.A, r -> ((ARecord) r).getAddress());
    }

    public Answer<InetAddress> aaaa(String name) throws TemporaryFailure {
        return query(name, Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    /** The names an address points back to (in-addr.arpa / ip6.arpa). */
    public Answer<String> ptr(InetAddress address) throws TemporaryFailure {
        return query(ReverseMap.fromAddress(address).toString(), Type.PTR, r -> ((PTRRecord) r).getTarget().toString(true));
    }

    private interface Extract<T> {
        T from(Record r);
    }

    private <T> Answer<T> query(String name, int type, Extract<T> extract) throws TemporaryFailure {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
        } catch (TextParseException e) {
            return Answer.noSuchName();
        }
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setSearchPath((Name[]) null);
        Record[] records = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> {
                List<T> out = new ArrayList<>();
                // A CNAME chain's records come along; keep only the type asked for.
                for (Record r : records) if (r.getType() == type) out.add(extract.from(r));
                yield new Answer<>(out, true);
            }
            case Lookup.HOST_NOT_FOUND -> Answer.noSuchName();
            case Lookup.TYPE_NOT_FOUND -> new Answer<>(List.of(), true);
            default -> throw new TemporaryFailure("DNS lookup of " + name + " failed: " + lookup.getErrorString());
        };
    }
}
