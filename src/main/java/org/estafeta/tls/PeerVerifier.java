package org.estafeta.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.estafeta.dns.DomainPattern;

/**
 * Authenticated outbound TLS, for where opportunistic encryption is not enough (MTA-STS enforce, RFC
 * 8461 §4.2; REQUIRETLS, RFC 8689): the JDK's trust store plus the CAs of {@code tls.trusted_cas}
 * (a private CA, a test CA). Verification is never switched off; a peer either passes or is named
 * with the reason it failed.
 */
public final class PeerVerifier {

    private final X509TrustManager trust;
    private final SSLContext context;

    private PeerVerifier(X509TrustManager trust) throws GeneralSecurityException {
        this.trust = trust;
        this.context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trust}, null);
    }

    /** The JDK's trusted CAs and those in the given PEM files. */
    public static PeerVerifier of(List<Path> extraCas) {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            if (extraCas.isEmpty()) return new PeerVerifier(x509(system));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (X509Certificate ca : x509(system).getAcceptedIssuers()) store.setCertificateEntry("system-" + n++, ca);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Path file : extraCas) {
                try (var in = Files.newInputStream(file)) {
                    var cas = factory.generateCertificates(in);
                    if (cas.isEmpty()) throw new IllegalArgumentException("tls.trusted_cas: no certificate in " + file);
                    for (Certificate ca : cas) store.setCertificateEntry("extra-" + n++, ca);
                } catch (IOException e) {
                    throw new IllegalArgumentException("tls.trusted_cas: cannot read " + file + ": " + e.getMessage(), e);
                }
            }
            TrustManagerFactory all = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            all.init(store);
            return new PeerVerifier(x509(all));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls.trusted_cas: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(TrustManagerFactory f) {
        for (TrustManager t : f.getTrustManagers()) if (t instanceof X509TrustManager x) return x;
        throw new IllegalStateException("no X.509 trust manager");
    }

    /** A client context that checks chains against these CAs; the caller asks for host name checks (HTTPS). */
    public SSLContext context() {
        return context;
    }

    /**
     * Why the peer of an established session is not authenticated as {@code host}, or null when it is:
     * its chain leads to a trusted CA (PKIX, validity dates, server key usage) and a DNS name of its
     * certificate matches the host (RFC 6125 §6.4; RFC 8461 §4.1 and RFC 8689 §4.2 use the MX name).
     * Checked after the handshake and before any mail command, so nothing is sent to a peer that fails.
     */
    public String problem(SSLSession session, String host) {
        X509Certificate[] chain;
        try {
            Certificate[] peer = session.getPeerCertificates();
            chain = java.util.Arrays.copyOf(peer, peer.length, X509Certificate[].class);
        } catch (SSLPeerUnverifiedException | ArrayStoreException e) {
            return "no certificate";
        }
        try {
            // "UNKNOWN" is the JDK's own authType for TLS 1.3: it checks the key may sign.
            trust.checkServerTrusted(chain, "UNKNOWN");
        } catch (CertificateException e) {
            return "certificate not trusted: " + e.getMessage();
        }
        List<String> names = dnsNames(chain[0]);
        if (names.stream().noneMatch(n -> DomainPattern.matches(n, host))) return "certificate is for " + names + ", not " + host;
        return null;
    }

    private static List<String> dnsNames(X509Certificate cert) {
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans == null) return List.of();
            // §6.4.4 of RFC 6125: with DNS-ID present, the CN is not looked at.
            return sans.stream().filter(san -> (Integer) san.get(0) == 2).map(san -> (String) san.get(1)).toList();
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
    }
}
