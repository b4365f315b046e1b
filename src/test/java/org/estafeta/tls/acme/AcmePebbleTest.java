package org.estafeta.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Certificates from a real ACME server, Let's Encrypt's Pebble: it validates HTTP-01 by fetching
 * from our web port the names dnsmasq resolves; the certificate is served by every listener, per
 * name by SNI, and renewed before it expires without a restart. Pebble being down at start, and a
 * name the CA cannot validate, are failures the server lives through.
 */
class AcmePebbleTest {

    /** Short-lived certificates, so that renewal (at two thirds of the lifetime) happens within the test. */
    private static final Duration VALIDITY = Duration.ofSeconds(45);

    @Test
    void issuesServesAndRenewsWithoutRestart() throws Exception {
        assertThat(Processes.available("pebble")).as("pebble is not installed (./run-tests installs it)").isTrue();
        // mta-sts.servidor.es is not in the DNS: the CA cannot validate it, and the others are certified without it.
        try (Dnsmasq dns = new Dnsmasq().host("mx.servidor.es", "127.0.0.1").host("mail.servidor.es", "127.0.0.1")
                .host("autoconfig.servidor.es", "127.0.0.1").start();
             Pebble pebble = Pebble.prepare()) {
            TestServer server = TestServer.start(Map.of("tls.acme_directory", pebble.directory(), "tls.acme_email", "postmaster@servidor.es",
                    "tls.acme_trust", pebble.httpsCertificate().toString()));
            try {
                // The CA is down: the server runs anyway, on its self-signed certificate.
                assertThat(TlsProbe.subject(server.port("imaps"), Start.IMPLICIT, "mail.servidor.es")).isEqualTo("CN=mx.servidor.es");
                pebble.start(server.server().web().port(), dns.address(), VALIDITY);
                server.server().reloadCertificates(); // what SIGHUP does: look again now rather than after the backoff

                X509Certificate root = pebble.root();
                SSLContext verifying = Pebble.trusting(List.of(root));

                X509Certificate[] first = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> TlsProbe.chain(server.port("imaps"), Start.IMPLICIT, "mail.servidor.es", verifying), c -> true);
                assertThat(names(first[0])).containsExactlyInAnyOrder("mx.servidor.es", "mail.servidor.es", "autoconfig.servidor.es");
                // Every listener, asked by SNI for either name, presents the chain that verifies under Pebble's root.
                for (String name : List.of("mx.servidor.es", "autoconfig.servidor.es")) {
                    assertThat(TlsProbe.chain(server.port("smtps"), Start.IMPLICIT, name, verifying)[0]).isEqualTo(first[0]);
                    assertThat(TlsProbe.chain(server.port("submission"), Start.SMTP, name, verifying)[0]).isEqualTo(first[0]);
                    assertThat(TlsProbe.chain(server.server().web().tlsPort(), Start.IMPLICIT, name, verifying)[0]).isEqualTo(first[0]);
                }
                Path kept = server.dataDir().resolve("acme/certificate.pem");
                assertThat(Files.getPosixFilePermissions(kept).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
                assertThat(server.dataDir().resolve("acme/account.pem")).exists();

                // Renewal at two thirds of 45 s: a new certificate on the same listeners, no restart.
                X509Certificate[] renewed = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                        .until(() -> TlsProbe.chain(server.port("pop3s"), Start.IMPLICIT, "mx.servidor.es", verifying),
                                c -> !c[0].getSerialNumber().equals(first[0].getSerialNumber()));
                assertThat(renewed[0].getNotAfter()).isAfter(first[0].getNotAfter());
                assertThat(names(renewed[0])).contains("mx.servidor.es", "mail.servidor.es");
                assertThat(TlsProbe.chain(server.port("imap"), Start.IMAP, "mail.servidor.es", verifying)[0]).isEqualTo(renewed[0]);
            } finally {
                server.closeAndDelete();
            }
        }
    }

    private static List<String> names(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream().map(san -> (String) san.get(1)).toList();
    }
}
