package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.Pebble;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TlsProbe;
import org.estafeta.testing.TlsProbe.Start;
import org.junit.jupiter.api.Test;

/**
 * {@code estafeta cert revoke NAME} against Let's Encrypt's Pebble: the certificate the running
 * server got is revoked at the CA (its management interface says so), and the server orders and
 * serves a new one without a restart. A name the certificate does not cover revokes nothing.
 */
class CertRevokeTest {

    @Test
    void revokesTheAcmeCertificateAndTheServerOrdersANewOne() throws Exception {
        assertThat(Processes.available("pebble")).as("pebble is not installed (./run-tests installs it)").isTrue();
        try (Dnsmasq dns = new Dnsmasq().host("mx.servidor.es", "127.0.0.1").host("mail.servidor.es", "127.0.0.1")
                .host("autoconfig.servidor.es", "127.0.0.1").host("mta-sts.servidor.es", "127.0.0.1").start();
             Pebble pebble = Pebble.prepare()) {
            Map<String, String> acme = Map.of("tls.acme_directory", pebble.directory(), "tls.acme_email", "postmaster@servidor.es",
                    "tls.acme_trust", pebble.httpsCertificate().toString());
            TestServer server = TestServer.start(acme);
            try {
                pebble.start(server.server().web().port(), dns.address(), Duration.ofDays(1));
                server.server().reloadCertificates();
                SSLContext verifying = Pebble.trusting(List.of(pebble.root()));
                int imaps = server.port("imaps");
                X509Certificate first = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> TlsProbe.chain(imaps, Start.IMPLICIT, "mail.servidor.es", verifying), c -> true)[0];
                assertThat(pebble.certificateStatus(first.getSerialNumber())).contains("\"Status\": \"Valid\"");
                String[] settings = acme.entrySet().stream().flatMap(e -> java.util.stream.Stream.of("--set", e.getKey() + "=" + e.getValue()))
                        .toArray(String[]::new);

                CliRun wrong = CliRun.run(server.dataDir(), "", concat(settings, "cert", "revoke", "other.example"));
                assertThat(wrong.code()).isNotZero();
                assertThat(wrong.err()).contains("not other.example");
                assertThat(pebble.certificateStatus(first.getSerialNumber())).contains("\"Status\": \"Valid\"");

                CliRun revoke = CliRun.run(server.dataDir(), "", concat(settings, "cert", "revoke", "mail.servidor.es", "--reason", "superseded"));
                assertThat(revoke.code()).as(revoke.err()).isZero();
                assertThat(revoke.out()).contains("revoked certificate " + first.getSerialNumber().toString(16));
                assertThat(pebble.certificateStatus(first.getSerialNumber())).contains("\"Status\": \"Revoked\"");
                assertThat(server.dataDir().resolve("acme/certificate.revoked.pem")).exists();

                // The server (told by the command's reload, or at the latest by this one) orders a new certificate and serves it.
                server.server().reloadCertificates();
                X509Certificate second = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> TlsProbe.chain(imaps, Start.IMPLICIT, "mail.servidor.es", verifying)[0],
                                c -> !c.getSerialNumber().equals(first.getSerialNumber()));
                assertThat(pebble.certificateStatus(second.getSerialNumber())).contains("\"Status\": \"Valid\"");
            } finally {
                server.closeAndDelete();
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
