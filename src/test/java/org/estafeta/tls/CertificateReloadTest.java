package org.estafeta.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TlsProbe;
import org.estafeta.testing.TlsProbe.Start;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates change without a restart: PEM files replaced on disk are served by the next handshake
 * on every TLS listener (implicit and STARTTLS, mail and web), SNI picks the certificate per name,
 * and a broken file leaves the previous certificate in service.
 */
class CertificateReloadTest {

    @TempDir
    Path dir;

    /** An RSA key and a self-signed certificate made by openssl for {@code names} (the first is the CN). */
    private Path[] openssl(String file, String... names) throws IOException, InterruptedException {
        assertThat(Processes.available("openssl")).as("openssl is not installed (./run-tests installs it)").isTrue();
        Path cert = dir.resolve(file + ".crt"), key = dir.resolve(file + ".key");
        Processes.Result made = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-days", "2", "-subj", "/CN=" + names[0], "-addext", "subjectAltName=DNS:" + String.join(",DNS:", names),
                "-keyout", key.toString(), "-out", cert.toString()), new byte[0]);
        assertThat(made.exitCode()).as(made.output()).isZero();
        return new Path[] {cert, key};
    }

    @Test
    void pemFilesChangedOnDiskAreServedByEveryListenerWithoutRestart() throws Exception {
        Path[] first = openssl("first", "first.servidor.es");
        Path cert = dir.resolve("served.crt"), key = dir.resolve("served.key");
        Files.copy(first[0], cert);
        Files.copy(first[1], key);
        TestServer server = TestServer.start(Map.of("tls.certificate", cert.toString(), "tls.private_key", key.toString(),
                "tls.check_interval", "1"));
        try {
            Map<String, Start> listeners = Map.of("smtps", Start.IMPLICIT, "imaps", Start.IMPLICIT, "pop3s", Start.IMPLICIT,
                    "smtp", Start.SMTP, "submission", Start.SMTP, "imap", Start.IMAP, "pop3", Start.POP3, "managesieve", Start.MANAGESIEVE);
            for (var l : listeners.entrySet()) assertThat(TlsProbe.subject(server.port(l.getKey()), l.getValue(), null)).isEqualTo("CN=first.servidor.es");
            int https = server.server().web().tlsPort();
            assertThat(TlsProbe.subject(https, Start.IMPLICIT, null)).isEqualTo("CN=first.servidor.es");

            // As certbot's deploy does: new files renamed over the old ones while the server runs.
            Path[] second = openssl("second", "second.servidor.es");
            Files.move(second[1], key, StandardCopyOption.REPLACE_EXISTING);
            Files.move(second[0], cert, StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(TlsProbe.subject(server.port("smtps"), Start.IMPLICIT, null)).isEqualTo("CN=second.servidor.es"));
            for (var l : listeners.entrySet()) assertThat(TlsProbe.subject(server.port(l.getKey()), l.getValue(), null)).isEqualTo("CN=second.servidor.es");
            assertThat(TlsProbe.subject(https, Start.IMPLICIT, null)).isEqualTo("CN=second.servidor.es");

            // A key that does not belong to the certificate: refused, the previous pair stays in service.
            Path[] third = openssl("third", "third.servidor.es");
            Files.move(third[0], cert, StandardCopyOption.REPLACE_EXISTING);
            server.server().reloadCertificates();
            assertThat(TlsProbe.subject(server.port("imaps"), Start.IMPLICIT, null)).isEqualTo("CN=second.servidor.es");
            // Once the key follows, the explicit reload (SIGHUP's entry point) serves it at once.
            Files.move(third[1], key, StandardCopyOption.REPLACE_EXISTING);
            server.server().reloadCertificates();
            assertThat(TlsProbe.subject(server.port("imaps"), Start.IMPLICIT, null)).isEqualTo("CN=third.servidor.es");
        } finally {
            server.closeAndDelete();
        }
    }

    @Test
    void sniPicksTheCertificateNamingTheRequestedHost() throws Exception {
        Path[] mail = openssl("mail", "mail.uno.example", "*.web.uno.example");
        Path[] other = openssl("other", "mail.dos.example");
        try (ServerCertificates certificates = new ServerCertificates(List.of(new ServerCertificates.Source(mail[0], mail[1], true),
                new ServerCertificates.Source(other[0], other[1], true)))) {
            try (var listener = certificates.context().getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> {
                    while (!listener.isClosed()) {
                        try (var s = (javax.net.ssl.SSLSocket) listener.accept()) {
                            s.startHandshake();
                        } catch (IOException e) {
                            // the next
                        }
                    }
                });
                int port = listener.getLocalPort();
                assertThat(TlsProbe.subject(port, Start.IMPLICIT, "mail.dos.example")).isEqualTo("CN=mail.dos.example");
                assertThat(TlsProbe.subject(port, Start.IMPLICIT, "mail.uno.example")).isEqualTo("CN=mail.uno.example");
                assertThat(TlsProbe.subject(port, Start.IMPLICIT, "www.web.uno.example")).as("by its wildcard").isEqualTo("CN=mail.uno.example");
                assertThat(TlsProbe.subject(port, Start.IMPLICIT, "unknown.example")).as("the first is the default").isEqualTo("CN=mail.uno.example");
                assertThat(TlsProbe.subject(port, Start.IMPLICIT, null)).isEqualTo("CN=mail.uno.example");
            }
        }
    }
}
