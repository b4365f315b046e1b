package org.estafeta.tls.acme;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.estafeta.tls.CertifiedKey;
import org.estafeta.tls.ServerCertificates;
import org.estafeta.tls.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an ACME certificate for the server's names: orders one when there is none, when it lacks a
 * name the server now serves, or at two thirds of its lifetime (Let's Encrypt's 90 days: 30 days
 * ahead, the margin it recommends); then has the {@link ServerCertificates} serve it. Runs on its own
 * virtual thread; a failure is logged and tried again after a growing pause, and a name the CA could
 * not validate is left out of the next orders for a while, so one missing DNS record does not hold
 * up the others.
 */
public final class AcmeRenewal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AcmeRenewal.class);

    /** First pause after a failure; it doubles with each one after. */
    private static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    /** Longest pause: a CA's rate limits count failed validations per hour (Let's Encrypt: 5). */
    private static final Duration LONGEST_RETRY = Duration.ofHours(6);
    /** How long a name the CA refused stays out of orders. */
    private static final Duration REFUSED_NAME_PAUSE = Duration.ofHours(1);
    /** The name of the certificate file (key and chain) in {@link Settings#dir()}. */
    private static final String CERTIFICATE_FILE = "certificate.pem";

    /**
     * Where the CA is, who to tell, which CAs to trust for its HTTPS (null: the JDK's), the directory
     * of our files, and how names are proven ({@link Challenge#choose}).
     */
    public record Settings(String directory, String email, Path trust, Path dir, Challenge challenge) {
        Path certificate() {
            return dir.resolve(CERTIFICATE_FILE);
        }
    }

    /** How the CA checks that a name is ours. */
    public enum Challenge {
        /** RFC 8555 §8.3: the CA fetches a token over HTTP from port 80. */
        HTTP_01,
        /** RFC 8737: the CA makes a TLS handshake with ALPN acme-tls/1 to port 443. */
        TLS_ALPN_01;

        /**
         * tls.acme_challenge as configured; "auto" is TLS-ALPN-01 when the HTTPS port is 443 and the
         * HTTP port is not 80 (the CA asks these two ports only, and port 80 is not ours then), else
         * HTTP-01, which also serves a port 80 forwarded to another web.port.
         */
        public static Challenge choose(String configured, int webPort, int webTlsPort) {
            return switch (configured) {
                case "http-01" -> HTTP_01;
                case "tls-alpn-01" -> TLS_ALPN_01;
                default -> webTlsPort == 443 && webPort != 80 ? TLS_ALPN_01 : HTTP_01;
            };
        }
    }

    private final Settings settings;
    private final Supplier<List<String>> names;
    private final ServerCertificates certificates;
    private final AcmeOrder orders;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    /** Set by {@link #check()}: look now rather than at the planned time. */
    private boolean wake;
    private boolean closed;
    /** Names the CA refused, until when they are left out. */
    private final Map<String, Instant> refusedUntil = new HashMap<>();
    private int failures;
    private Thread thread;

    public AcmeRenewal(Settings settings, Supplier<List<String>> names, ServerCertificates certificates, Http01Responses responses, Clock clock) {
        this.settings = settings;
        this.names = names;
        this.certificates = certificates;
        this.orders = new AcmeOrder(settings, responses, certificates.tlsAlpnChallenges());
        this.clock = clock;
    }

    /** The source to list in the {@link ServerCertificates}: the file this class keeps (absent before the first order). */
    public static ServerCertificates.Source source(Path dir) {
        Path file = dir.resolve(CERTIFICATE_FILE);
        return new ServerCertificates.Source(file, file, false);
    }

    /**
     * The names to certify: the host name, and {@code mail.}, {@code autoconfig.} (Thunderbird's
     * lookup) and {@code mta-sts.} (RFC 8461 §3.3) of each served domain; names a public CA cannot
     * validate (localhost, single labels, address literals) are left out.
     */
    public static List<String> names(String hostname, List<String> domains) {
        Set<String> out = new LinkedHashSet<>();
        out.add(hostname.toLowerCase(Locale.ROOT));
        for (String d : domains) {
            for (String prefix : List.of("mail.", "autoconfig.", "mta-sts.")) out.add(prefix + d.toLowerCase(Locale.ROOT));
        }
        out.removeIf(n -> !n.contains(".") || n.equals("localhost") || n.endsWith(".localhost") || n.matches("[0-9.]+|.*:.*"));
        return List.copyOf(out);
    }

    public void start() {
        // acme4j signs its CSRs and reads keys through BouncyCastle's provider; added last, so the JDK's stay first for TLS.
        if (java.security.Security.getProvider("BC") == null) java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        thread = Thread.ofVirtual().name("acme").start(this::run);
    }

    /** Looks now (a reload; a domain added): orders at once if the certificate is missing, old or short of a name. */
    public void check() {
        lock.lock();
        try {
            wake = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Instant next;
            try {
                next = renewIfDue();
                failures = 0;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failures++;
                Duration pause = pause(failures);
                log.warn("ACME: no certificate from {} ({}); trying again in {} s, serving the certificate there is meanwhile",
                        settings.directory(), e.getMessage() == null ? e.toString() : e.getMessage(), pause.toSeconds());
                next = clock.instant().plus(pause);
            }
            if (!sleepUntil(next)) return;
        }
    }

    static Duration pause(int failures) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : d;
    }

    /** Orders when due; returns when to look next. */
    private Instant renewIfDue() throws Exception {
        Instant now = clock.instant();
        refusedUntil.values().removeIf(until -> !until.isAfter(now));
        List<String> wanted = new ArrayList<>(names.get());
        wanted.removeAll(refusedUntil.keySet());
        if (wanted.isEmpty()) {
            log.info("ACME: no name to certify (host name {} and served domains are not public names, or were refused)", names.get());
            return refusedUntil.values().stream().min(Instant::compareTo).orElse(now.plus(LONGEST_RETRY));
        }
        CertifiedKey have = current();
        if (have != null && wanted.stream().allMatch(have::covers) && now.isBefore(renewalTime(have))) return renewalTime(have);
        log.info("ACME: ordering a certificate for {} from {}", wanted, settings.directory());
        while (true) {
            try {
                orders.issue(wanted);
                break;
            } catch (AcmeOrder.Refused refused) {
                refused.names.forEach((name, why) -> log.warn("ACME: the CA could not validate {}: {}; left out for {} min",
                        name, why, REFUSED_NAME_PAUSE.toMinutes()));
                for (String name : refused.names.keySet()) refusedUntil.put(name, clock.instant().plus(REFUSED_NAME_PAUSE));
                wanted.removeAll(refused.names.keySet());
                if (wanted.isEmpty()) throw new IllegalStateException("the CA validated none of the names");
            }
        }
        certificates.reload();
        CertifiedKey issued = current();
        if (issued == null) throw new IllegalStateException("the certificate written to " + settings.certificate() + " cannot be read back");
        log.info("ACME: certificate for {} valid until {}, renewal at {}", issued.names(), issued.notAfter(), renewalTime(issued));
        return renewalTime(issued);
    }

    /** Two thirds into the certificate's lifetime. */
    static Instant renewalTime(CertifiedKey k) {
        Duration life = Duration.between(k.notBefore(), k.notAfter());
        return k.notBefore().plus(life.multipliedBy(2).dividedBy(3));
    }

    private CertifiedKey current() {
        Path file = settings.certificate();
        if (!Files.exists(file)) return null;
        try {
            return TlsContexts.read(file, file);
        } catch (Exception e) {
            log.warn("ACME: {} cannot be read ({}); ordering a new one", file, e.getMessage());
            return null;
        }
    }

    /** Waits until {@code next}, a {@link #check()} or close; false once closed. */
    private boolean sleepUntil(Instant next) {
        lock.lock();
        try {
            while (!closed && !wake) {
                Duration left = Duration.between(clock.instant(), next);
                if (left.isNegative() || left.isZero()) break;
                woken.awaitNanos(left.toNanos());
            }
            wake = false;
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) thread.interrupt();
    }
}
