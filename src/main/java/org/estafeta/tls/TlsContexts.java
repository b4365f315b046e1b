package org.estafeta.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.estafeta.store.PrivateFiles;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS profile of every listener, PEM reading, and the self-signed EC certificate made on first
 * start in {@code DATA/tls/} and reused afterwards (served until a configured or ACME one is there).
 */
public final class TlsContexts {

    /*
     * Mozilla's "intermediate" server profile, exactly: ssl-config.mozilla.org guidelines version 6.0
     * (https://ssl-config.mozilla.org/guidelines/6.0.json, configurations.intermediate). Its TLS 1.2 list is
     * only ephemeral ECDH with AEAD ciphers (no CBC, so no LUCKY13; no static RSA, so forward secrecy);
     * version 6.0 dropped the finite-field DHE suites 5.7 had, so no DHE parameters are needed. A new
     * version of the guidelines means updating these lists and TlsProfileTest's copy of them.
     */

    /** The profile's tls_versions (RFC 8996 retired TLS 1.0 and 1.1). */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** The profile's ciphersuites (TLS 1.3) and then its ciphers (TLS 1.2, IANA names), each in its order. */
    public static final String[] CIPHER_SUITES = {
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    /**
     * The profile's tls_curves, in its order (prime256v1 is the JDK's secp256r1). The JDK skips names it
     * does not implement: JDK 25 has no X25519MLKEM768 yet (JEP 527 adds it), so it is used from the
     * JDK that brings it, with no change here.
     */
    public static final String[] NAMED_GROUPS = {"X25519MLKEM768", "x25519", "secp256r1", "secp384r1"};

    /** The profile's server_preferred_order: false, the client picks among the suites (all of them strong). */
    public static final boolean SERVER_CIPHER_ORDER = false;

    static {
        // A client asking to renegotiate a TLS 1.2 session is a CPU lever for a denial of service and
        // buys nothing legitimate here (TLS 1.3 has no renegotiation at all). The JDK reads this once,
        // when it first plays the server side of a handshake, which is always after this class loads.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    private TlsContexts() {
    }

    /** The server side's protocols, suites and groups (every TLS listener: mail ports and HTTPS). */
    public static javax.net.ssl.SSLParameters serverParameters() {
        var p = new javax.net.ssl.SSLParameters(CIPHER_SUITES.clone(), PROTOCOLS.clone());
        p.setNamedGroups(NAMED_GROUPS.clone());
        // A client without AES instructions prefers ChaCha20, and knows that better than we do.
        p.setUseCipherSuitesOrder(SERVER_CIPHER_ORDER);
        return p;
    }

    /**
     * For outbound SMTP's opportunistic TLS (RFC 7435): encrypts without checking the peer's
     * certificate, which MX hosts rarely have valid for their name; still better than clear text.
     */
    public static SSLContext opportunisticClient() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a PEM chain (leaf first) and the PEM private key that belongs to it. */
    public static CertifiedKey read(Path certificate, Path privateKey) throws IOException, java.security.GeneralSecurityException {
        List<X509Certificate> chain = readCertificates(certificate);
        PrivateKey key = readPrivateKey(privateKey);
        if (!matches(key, chain.getFirst().getPublicKey())) {
            throw new IllegalArgumentException("the private key " + privateKey + " does not belong to the certificate " + certificate
                    + " (check tls.certificate and tls.private_key)");
        }
        return new CertifiedKey(key, chain);
    }

    /**
     * Whether {@code key} is the private half of {@code certified}: it signs a challenge that the
     * certificate's key verifies. Checked at load, since a mismatch otherwise starts fine and then
     * fails every handshake with an error that names neither file.
     */
    static boolean matches(PrivateKey key, java.security.PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448 sign without a separate digest
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            java.security.Signature signer = signature(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signed = signer.sign();
            java.security.Signature verifier = signature(algorithm);
            verifier.initVerify(certified);
            verifier.update(challenge);
            return verifier.verify(signed);
        } catch (java.security.GeneralSecurityException e) {
            return false; // a key of another kind than the certificate's
        }
    }

    private static java.security.Signature signature(String algorithm) throws java.security.GeneralSecurityException {
        java.security.Signature s = java.security.Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1", java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        return s;
    }

    /** {@code dir/cert.pem} and {@code dir/key.pem}, made first if they do not exist. */
    public static ServerCertificates.Source selfSigned(Path dir, String hostname) {
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem");
        if (!Files.exists(cert) || !Files.exists(key)) generate(dir, cert, key, hostname);
        return new ServerCertificates.Source(cert, key, true);
    }

    private static void generate(Path dir, Path cert, Path key, String hostname) {
        try {
            PrivateFiles.createDirectories(dir);
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = kpg.generateKeyPair();
            X500Name name = new X500Name("CN=" + hostname.replaceAll("[,=+<>#;\"\\\\]", ""));
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, hostname),
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            Path keyTmp = dir.resolve("key.pem.tmp");
            Files.deleteIfExists(keyTmp);
            Files.createFile(keyTmp, PrivateFiles.file());
            writePem(keyTmp, new JcaPKCS8Generator(pair.getPrivate(), null));
            Files.move(keyTmp, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(cert);
            Files.createFile(cert, PrivateFiles.file());
            writePem(cert, certificate);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a self-signed certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, java.security.cert.CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) out.add(new JcaX509CertificateConverter().getCertificate(h));
            }
        }
        if (out.isEmpty()) throw new IOException("no certificate in " + file);
        return out;
    }

    /**
     * The key as the JDK's own provider makes it: once BouncyCastle's provider is registered (ACME
     * needs it) the converter returns BC's keys, named "ECDSA" where the JDK's TLS asks for "EC".
     */
    private static PrivateKey jdkKey(PrivateKey key) throws IOException {
        String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
        try {
            return java.security.KeyFactory.getInstance(algorithm).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("unsupported private key (" + key.getAlgorithm() + "): " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            Object o;
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            while ((o = parser.readObject()) != null) {
                if (o instanceof PEMKeyPair kp) return jdkKey(converter.getPrivateKey(kp.getPrivateKeyInfo()));
                if (o instanceof PrivateKeyInfo info) return jdkKey(converter.getPrivateKey(info));
            }
        }
        throw new IOException("no private key in " + file);
    }
}
