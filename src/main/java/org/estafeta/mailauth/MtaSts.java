package org.estafeta.mailauth;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.estafeta.dns.Dns;

/**
 * Which MTA-STS policy (RFC 8461) applies to mail for a domain now (§5.1): the {@code _mta-sts} TXT
 * record says whether there is one and its id; a policy already cached under that id is used as it
 * is, a new id makes us fetch the policy over HTTPS, and when the TXT record or the fetch cannot be
 * had (DNS failure, web server down, an invalid policy) a cached policy that has not expired still
 * applies — that is what keeps an attacker who blocks the fetch from turning enforcement off. The
 * cache persists ({@link Cache}), so a restart does not forget policies either.
 */
public final class MtaSts {

    /** Fetches the policy text of a domain (§3.3); any failure is an IOException. */
    public interface Fetcher {
        String fetch(String domain) throws IOException;
    }

    /** A fetched policy, under the TXT id it was fetched for. */
    public record Cached(String id, MtaStsPolicy policy, Instant fetched) {
        /** §5: a policy is used until max_age after it was fetched. */
        public boolean validAt(Instant now) {
            return now.isBefore(fetched.plus(policy.maxAge()));
        }
    }

    /** Where policies are kept between deliveries and restarts. */
    public interface Cache {
        Optional<Cached> load(String domain);

        void store(String domain, Cached cached);
    }

    /** The policy that applies and why (for logs); {@code policy} null when none applies. */
    public record Lookup(MtaStsPolicy policy, String source) {
        public boolean enforces() {
            return policy != null && policy.mode() == MtaStsPolicy.Mode.ENFORCE;
        }

        public boolean testing() {
            return policy != null && policy.mode() == MtaStsPolicy.Mode.TESTING;
        }
    }

    private final Dns dns;
    private final Fetcher fetcher;
    private final Cache cache;

    public MtaSts(Dns dns, Fetcher fetcher, Cache cache) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.cache = cache;
    }

    /** @param domain in A-labels */
    public Lookup policy(String domain) {
        Instant now = Instant.now();
        Cached cached = cache.load(domain).filter(c -> c.validAt(now)).orElse(null);
        MtaStsRecord record;
        try {
            record = MtaStsRecord.of(dns.txt("_mta-sts." + domain).records());
        } catch (Dns.TemporaryFailure f) {
            return fromCache(cached, "TXT lookup failed (" + f.getMessage() + ")");
        }
        // §5.1: without a (valid) record a cached policy still holds until it expires.
        if (record == null) return fromCache(cached, "no _mta-sts record");
        if (cached != null && cached.id().equals(record.id())) return new Lookup(cached.policy(), "cached, id " + record.id());
        try {
            MtaStsPolicy policy = MtaStsPolicy.parse(fetcher.fetch(domain));
            cache.store(domain, new Cached(record.id(), policy, now));
            return new Lookup(policy, "fetched, id " + record.id());
        } catch (IOException | MtaStsPolicy.Invalid e) {
            return fromCache(cached, "policy fetch failed (" + e.getMessage() + ")");
        }
    }

    private static Lookup fromCache(Cached cached, String why) {
        return cached == null ? new Lookup(null, why) : new Lookup(cached.policy(), why + "; cached policy, id " + cached.id());
    }
}
