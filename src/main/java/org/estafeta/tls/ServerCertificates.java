package org.estafeta.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's certificates, reloadable: PEM pairs on disk (the configured one, the one ACME keeps,
 * the self-signed fallback) read into one {@link SSLContext} that every TLS listener shares. The
 * context's key manager looks at the current set on each handshake, so {@link #reload()} (SIGHUP,
 * {@code estafeta reload}, a renewed ACME certificate) or a PEM file changed on disk is served by the
 * next handshake without a restart; open sessions keep the certificate they started with.
 */
public final class ServerCertificates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerCertificates.class);

    /**
     * A certificate chain file and its key file. Earlier sources are preferred when several name the
     * host a client asks for, and the first that loaded serves clients that name none. A required one
     * must load at start (a configured pair); the others may be missing (ACME's before its first order).
     */
    public record Source(Path certificate, Path privateKey, boolean required) {
        public Source {
            Objects.requireNonNull(certificate);
            Objects.requireNonNull(privateKey);
        }
    }

    /** What a file looked like when it was read: a change of any is a new file to read. */
    private record Stamp(Object fileKey, long modified, long size) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.fileKey(), a.lastModifiedTime().toMillis(), a.size());
            } catch (IOException e) {
                return null;
            }
        }
    }

    private record Loaded(CertifiedKey key, Stamp certificate, Stamp privateKey) {
    }

    private final List<Source> sources;
    private final SniKeyManager keyManager = new SniKeyManager(this);
    /** Challenge certificates shown only on TLS-ALPN-01 validation handshakes. */
    private final TlsAlpnChallenges tlsAlpnChallenges = new TlsAlpnChallenges();
    private final SSLContext context;
    /** Guards reading the files; handshakes read {@link #current} without it. */
    private final ReentrantLock reading = new ReentrantLock();
    private final Map<Source, Loaded> loaded = new HashMap<>();
    /** In source order; what handshakes choose from. */
    private volatile List<CertifiedKey> current = List.of();
    private Thread watcher;

    /** Reads every source once; a required one that cannot be read is an error here (and only here). */
    public ServerCertificates(List<Source> sources) {
        this.sources = List.copyOf(sources);
        reading.lock();
        try {
            for (Source s : this.sources) {
                try {
                    read(s);
                } catch (IllegalArgumentException e) {
                    if (s.required()) throw e; // says itself which files do not match
                    log.debug("no TLS certificate from {} yet: {}", s.certificate(), e.toString());
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    if (s.required()) throw new IllegalArgumentException("cannot load TLS certificate " + s.certificate() + ": " + e.getMessage(), e);
                    log.debug("no TLS certificate from {} yet: {}", s.certificate(), e.toString());
                }
            }
            publish();
        } finally {
            reading.unlock();
        }
        if (current.isEmpty()) throw new IllegalArgumentException("no TLS certificate could be loaded from " + this.sources);
        try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one context of every TLS listener; it always serves the current certificates. */
    public SSLContext context() {
        return context;
    }

    /**
     * Reads every source again. A file that cannot be read now (half written, a key that does not
     * match) is logged and its previous certificate stays in service, so a bad deploy never leaves a
     * listener without one. Returns whether the served set changed.
     */
    public boolean reload() {
        return refresh(true);
    }

    /** Reads again only the sources whose files changed on disk since they were read. */
    public boolean reloadIfChanged() {
        return refresh(false);
    }

    private boolean refresh(boolean always) {
        reading.lock();
        try {
            List<CertifiedKey> before = current;
            for (Source s : sources) {
                Loaded was = loaded.get(s);
                if (!always && was != null && Objects.equals(was.certificate(), Stamp.of(s.certificate()))
                        && Objects.equals(was.privateKey(), Stamp.of(s.privateKey()))) continue;
                if (was == null && !s.required() && !Files.exists(s.certificate())) continue; // ACME's before its first order
                try {
                    read(s);
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    log.warn("TLS certificate {} not reloaded, the one read before stays in use: {}", s.certificate(), e.getMessage());
                }
            }
            publish();
            boolean changed = !before.equals(current);
            if (changed) keyManager.replaced(before, current);
            return changed;
        } finally {
            reading.unlock();
        }
    }

    private void read(Source s) throws IOException, GeneralSecurityException {
        Stamp certStamp = Stamp.of(s.certificate()), keyStamp = Stamp.of(s.privateKey());
        CertifiedKey key = TlsContexts.read(s.certificate(), s.privateKey());
        Loaded was = loaded.put(s, new Loaded(key, certStamp, keyStamp));
        if (was == null || !was.key().leaf().equals(key.leaf())) {
            log.info("TLS certificate for {} valid until {} from {}", key.names(), key.notAfter(), s.certificate());
        }
    }

    private void publish() {
        List<CertifiedKey> set = new ArrayList<>();
        for (Source s : sources) {
            Loaded l = loaded.get(s);
            if (l != null) set.add(l.key());
        }
        current = List.copyOf(set);
    }

    /** Where an ACME order puts the certificates that answer TLS-ALPN-01 validations (RFC 8737). */
    public TlsAlpnChallenges tlsAlpnChallenges() {
        return tlsAlpnChallenges;
    }

    /** The certificates in service, in order of preference. */
    public List<CertifiedKey> current() {
        return current;
    }

    /**
     * The certificate for a handshake: the first of a key usable with {@code keyType} that names
     * {@code host}, else the first of that key type; null when none is (the JDK then tries another type).
     */
    CertifiedKey select(String host, String keyType) {
        CertifiedKey fallback = null;
        for (CertifiedKey k : current) {
            if (!usableAs(k, keyType)) continue;
            if (host != null && k.covers(host)) return k;
            if (fallback == null) fallback = k;
        }
        return fallback;
    }

    /** The challenge certificate for a TLS-ALPN-01 validation of {@code host}, if it is of {@code keyType}; else null. */
    CertifiedKey tlsAlpnChallenge(String host, String keyType) {
        CertifiedKey k = tlsAlpnChallenges.forHost(host);
        return k != null && usableAs(k, keyType) ? k : null;
    }

    /** The JDK names key types "EC", "RSA", "RSASSA-PSS", "EdDSA" (TLS 1.2 may add a signer: "EC_RSA"). */
    private static boolean usableAs(CertifiedKey k, String keyType) {
        String wanted = keyType.contains("_") ? keyType.substring(0, keyType.indexOf('_')) : keyType;
        String algorithm = k.key().getAlgorithm().toUpperCase(Locale.ROOT);
        if (wanted.equalsIgnoreCase("EdDSA")) return algorithm.equals("EDDSA") || algorithm.startsWith("ED");
        return algorithm.equalsIgnoreCase(wanted);
    }

    /** Looks for changed files every {@code interval} on a virtual thread, until closed. */
    public void watch(Duration interval) {
        watcher = Thread.ofVirtual().name("tls-watch").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(interval);
                    reloadIfChanged();
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    @Override
    public void close() {
        if (watcher != null) watcher.interrupt();
    }
}
