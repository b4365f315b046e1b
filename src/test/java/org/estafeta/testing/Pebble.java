package org.estafeta.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Let's Encrypt's test ACME server (Debian package {@code pebble}) on loopback, in a temp dir with
 * its own HTTPS certificate (made by openssl), validating HTTP-01 on a port we give it against the
 * names a DNS server resolves. Each run has a new random root CA: {@link #root()} fetches it.
 */
public final class Pebble implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int managementPort;
    private Process process;

    private Pebble(Path dir, int port, int managementPort) {
        this.dir = dir;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Picks the ports Pebble will listen on (it cannot report ports it chose), before it starts: a
     * client may be configured with {@link #directory()} while Pebble is still down.
     */
    public static Pebble prepare() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("pebble");
        Processes.Result made = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString()), new byte[0]);
        if (made.exitCode() != 0) throw new IOException("openssl: " + made.output());
        return new Pebble(dir, freePort(), freePort());
    }

    /** A loopback port free a moment ago, that nothing listens on. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The ACME directory URL. */
    public String directory() {
        return "https://127.0.0.1:" + port + "/dir";
    }

    /** The certificate of Pebble's HTTPS (for {@code tls.acme_trust}). */
    public Path httpsCertificate() {
        return dir.resolve("cert.pem");
    }

    /** {@link #start(int, int, String, Duration)} with TLS-ALPN-01 validated on a port nobody listens on. */
    public Pebble start(int httpPort, String dns, Duration validity) throws IOException, InterruptedException {
        return start(httpPort, freePort(), dns, validity);
    }

    /**
     * Starts Pebble: HTTP-01 validated on {@code httpPort}, TLS-ALPN-01 on {@code tlsPort}, names
     * resolved by {@code dns} ("127.0.0.1:port"), certificates valid for {@code validity}. Real
     * validation: no PEBBLE_VA_ALWAYS_VALID; no sleep before validating and no rejected nonces, for
     * speed and repeatability.
     */
    public Pebble start(int httpPort, int tlsPort, String dns, Duration validity) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false,
                  "certificateValidityPeriod": %d}}
                """.formatted(port, managementPort, httpsCertificate(), dir.resolve("key.pem"), httpPort, tlsPort, validity.toSeconds()));
        ProcessBuilder pb = new ProcessBuilder("pebble", "-config", dir.resolve("pebble.json").toString(), "-dnsserver", dns)
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        process = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("pebble did not start: " + log());
    }

    public String log() throws IOException {
        return Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
    }

    /** The root CA this run of Pebble issues under (its management interface, {@code /roots/0}). */
    public X509Certificate root() throws IOException, java.security.GeneralSecurityException {
        var connection = (HttpsURLConnection) java.net.URI.create("https://127.0.0.1:" + managementPort + "/roots/0").toURL().openConnection();
        connection.setSSLSocketFactory(trusting(List.of(readPem(httpsCertificate()))).getSocketFactory());
        try (InputStream in = connection.getInputStream()) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** What Pebble's management interface says of the certificate with this serial: its JSON ("Status": "Valid" or "Revoked"). */
    public String certificateStatus(java.math.BigInteger serial) throws IOException, java.security.GeneralSecurityException {
        var connection = (HttpsURLConnection) java.net.URI.create("https://127.0.0.1:" + managementPort + "/cert-status-by-serial/"
                + serial.toString(16)).toURL().openConnection();
        connection.setSSLSocketFactory(trusting(List.of(readPem(httpsCertificate()))).getSocketFactory());
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A client context that trusts only {@code anchors}. */
    public static SSLContext trusting(List<X509Certificate> anchors) throws java.security.GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < anchors.size(); i++) store.setCertificateEntry("a" + i, anchors.get(i));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static X509Certificate readPem(Path file) throws IOException, java.security.GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
