package org.estafeta.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority of our own for tests of authenticated TLS (MTA-STS, REQUIRETLS): its
 * certificate goes into {@code tls.trusted_cas}, and it issues server certificates for given names,
 * as PEM files (for {@code tls.certificate}) or as an {@link SSLContext} (for a JDK HTTPS server).
 */
public final class TestCa {

    /** A server certificate and its key, as files. */
    public record Issued(Path certificate, Path privateKey, X509Certificate cert, KeyPair keys) {
        public SSLContext serverContext() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", keys.getPrivate(), new char[0], new X509Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        }
    }

    private final Path dir;
    private final KeyPair keys;
    private final X509Certificate cert;
    private final X500Name name = new X500Name("CN=Estafeta Test CA");
    private int serial = 1;

    public TestCa(Path dir) throws Exception {
        this.dir = dir;
        this.keys = ecKeys();
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        write(certificate(), cert);
    }

    /** The CA certificate (PEM), for {@code tls.trusted_cas}. */
    public Path certificate() {
        return dir.resolve("ca.pem");
    }

    /** A server certificate for these DNS names, signed by this CA. */
    public Issued issue(String file, String... names) throws Exception {
        KeyPair pair = ecKeys();
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + names[0]), pair.getPublic());
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) sans[i] = new GeneralName(GeneralName.dNSName, names[i]);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        Path certFile = dir.resolve(file + ".pem"), keyFile = dir.resolve(file + ".key");
        write(certFile, leaf);
        write(keyFile, new JcaPKCS8Generator(pair.getPrivate(), null));
        return new Issued(certFile, keyFile, leaf, pair);
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return kpg.generateKeyPair();
    }

    private static void write(Path file, Object pem) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter out = new JcaPEMWriter(w)) {
            out.writeObject(pem);
        }
    }
}
