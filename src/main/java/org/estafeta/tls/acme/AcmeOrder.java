package org.estafeta.tls.acme;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.estafeta.store.PrivateFiles;
import org.estafeta.tls.CertifiedKey;
import org.estafeta.tls.TlsAlpnChallenges;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One certificate order (RFC 8555 §7.4): the account (its key kept in {@code account.pem}, so the
 * same account is found again, §7.3.1), an HTTP-01 or TLS-ALPN-01 (RFC 8737) proof per name, the CSR with a new key, and the
 * chain written with that key to one file, replaced atomically so a reader never sees half of it.
 */
final class AcmeOrder {

    private static final Logger log = LoggerFactory.getLogger(AcmeOrder.class);

    /** How long the CA may take to validate a name or to issue. */
    private static final Duration WAIT = Duration.ofMinutes(2);

    /** The names the CA refused in one order, with its reason; the order is retried without them. */
    static final class Refused extends Exception {
        final Map<String, String> names;

        Refused(Map<String, String> names) {
            super("the CA could not validate " + names);
            this.names = Map.copyOf(names);
        }
    }

    private final AcmeRenewal.Settings settings;
    private final Http01Responses responses;
    private final TlsAlpnChallenges tlsAlpn;

    AcmeOrder(AcmeRenewal.Settings settings, Http01Responses responses, TlsAlpnChallenges tlsAlpn) {
        this.settings = settings;
        this.responses = responses;
        this.tlsAlpn = tlsAlpn;
    }

    /** Orders a certificate for {@code names} and writes it to {@code settings.certificate()}. */
    void issue(List<String> names) throws AcmeException, IOException, InterruptedException, Refused {
        Session session = new Session(URI.create(settings.directory()), new Provider(settings.trust()));
        Account account = new AccountBuilder().addEmail(settings.email()).agreeToTermsOfService().useKeyPair(accountKey()).create(session);
        Order order = account.newOrder().domains(names).create();
        Map<String, String> refused = new LinkedHashMap<>();
        for (Authorization authorization : order.getAuthorizations()) {
            String name = authorization.getIdentifier().getDomain();
            if (authorization.getStatus() == Status.VALID) continue; // proven recently, the CA remembers (§7.1.4)
            String problem = prove(authorization);
            if (problem != null) refused.put(name, problem);
        }
        if (!refused.isEmpty()) throw new Refused(refused);
        KeyPair key = KeyPairUtils.createECKeyPair("secp256r1");
        order.execute(key);
        Status status = order.waitForCompletion(WAIT);
        if (status != Status.VALID) {
            throw new AcmeException("the order for " + names + " ended " + status + order.getError().map(p -> ": " + p).orElse(""));
        }
        write(key, order.getCertificate().getCertificateChain());
    }

    /** Answers the configured challenge of one name; null when the CA accepted it, else its reason. */
    private String prove(Authorization authorization) throws AcmeException, InterruptedException {
        String name = authorization.getIdentifier().getDomain();
        return switch (settings.challenge()) {
            case HTTP_01 -> {
                Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class)
                        .orElseThrow(() -> new AcmeException("the CA offers no http-01 challenge for " + name));
                responses.put(challenge.getToken(), challenge.getAuthorization());
                try {
                    yield await(authorization, challenge, "http-01");
                } finally {
                    responses.remove(challenge.getToken());
                }
            }
            case TLS_ALPN_01 -> {
                TlsAlpn01Challenge challenge = authorization.findChallenge(TlsAlpn01Challenge.class)
                        .orElseThrow(() -> new AcmeException("the CA offers no tls-alpn-01 challenge for " + name));
                // RFC 8737 §3: a self-signed certificate for the name alone, with the key authorization's digest
                // in the critical acmeIdentifier extension; a new key each time, it certifies nothing else.
                // RSA: acme4j 4.0 signs it with SHA256withRSA whatever the key.
                KeyPair key = challengeKey();
                tlsAlpn.put(name, new CertifiedKey(key.getPrivate(), List.of(challenge.createCertificate(key, authorization.getIdentifier()))));
                try {
                    yield await(authorization, challenge, "tls-alpn-01");
                } finally {
                    tlsAlpn.remove(name);
                }
            }
        };
    }

    private static KeyPair challengeKey() throws AcmeException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AcmeException("no RSA key for the tls-alpn-01 certificate: " + e.getMessage());
        }
    }

    /** Asks the CA to validate now and waits for its verdict: null when valid, else its reason. */
    private static String await(Authorization authorization, Challenge challenge, String type) throws AcmeException, InterruptedException {
        challenge.trigger();
        Status status = authorization.waitForCompletion(WAIT);
        if (status == Status.VALID) {
            log.info("ACME: {} proven by {}", authorization.getIdentifier().getDomain(), type);
            return null;
        }
        challenge.fetch();
        return challenge.getError().map(Object::toString).orElse(String.valueOf(status));
    }

    /** The account's key pair, made once and kept (mode 600). */
    private KeyPair accountKey() throws IOException {
        Path file = settings.dir().resolve("account.pem");
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                return KeyPairUtils.readKeyPair(r);
            }
        }
        KeyPair pair = KeyPairUtils.createECKeyPair("secp384r1");
        StringWriter pem = new StringWriter();
        KeyPairUtils.writeKeyPair(pair, pem);
        replace(file, pem.toString());
        return pair;
    }

    private void write(KeyPair key, List<X509Certificate> chain) throws IOException {
        StringWriter pem = new StringWriter();
        KeyPairUtils.writeKeyPair(key, pem);
        try (var writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(pem)) {
            for (X509Certificate c : chain) writer.writeObject(c);
        }
        replace(settings.certificate(), pem.toString());
    }

    /** Writes {@code text} to a private temp file, fsyncs it, and renames it over {@code file}. */
    private static void replace(Path file, String text) throws IOException {
        PrivateFiles.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PrivateFiles.file());
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** acme4j's generic provider, trusting {@code tls.acme_trust}'s CAs for the directory's HTTPS when set. */
    static final class Provider extends GenericAcmeProvider {
        private final Path trust;

        Provider(Path trust) {
            this.trust = trust;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings network) {
            HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(network.getTimeout()).proxy(network.getProxySelector());
            if (trust != null) builder.sslContext(trusting(trust));
            return builder.build();
        }

        private static SSLContext trusting(Path pem) {
            try (var in = Files.newInputStream(pem)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                List<X509Certificate> cas = new ArrayList<>();
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) cas.add((X509Certificate) c);
                if (cas.isEmpty()) throw new IOException("no certificate in " + pem);
                for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca" + i, cas.get(i));
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                return ctx;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("tls.acme_trust " + pem + " is not a PEM file of CA certificates: " + e.getMessage(), e);
            }
        }
    }
}
