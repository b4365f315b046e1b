package org.estafeta.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TrustAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's certificate: a PEM pair from another tool when configured, TLS 1.2+ only. */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void pemFilesFromOpensslAreServedAndOldTlsIsRefused() throws Exception {
        assertThat(Processes.available("openssl")).as("openssl is not installed (./run-tests installs it)").isTrue();
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem");
        Processes.Result made = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=mail.servidor.es", "-keyout", key.toString(), "-out", cert.toString()), new byte[0]);
        assertThat(made.exitCode()).as(made.output()).isZero();
        TestServer server = TestServer.start(Map.of("tls.certificate", cert.toString(), "tls.private_key", key.toString()));
        try (SSLSocket s = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", server.port("smtps"))) {
            s.startHandshake();
            X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=mail.servidor.es");
            assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        }
        Processes.Result old = Processes.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port("smtps"),
                "-tls1_1", "-brief"), new byte[0]);
        assertThat(old.exitCode()).as("TLS 1.1 must be refused: " + old.output()).isNotZero();
        server.closeAndDelete();
    }

    @Test
    void selfSignedCertificateIsMadeOnceAndKept() throws Exception {
        TestServer first = TestServer.start(dir, Map.of(), true);
        byte[] made = java.nio.file.Files.readAllBytes(dir.resolve("tls/cert.pem"));
        first.close();
        TestServer second = TestServer.start(dir, Map.of(), false);
        try {
            assertThat(java.nio.file.Files.readAllBytes(dir.resolve("tls/cert.pem"))).isEqualTo(made);
            assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("tls/key.pem")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        } finally {
            second.close();
        }
    }
}
