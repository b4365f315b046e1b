package org.estafeta.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.Logged;
import org.estafeta.testing.Pebble;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TlsProbe;
import org.estafeta.testing.TlsProbe.Start;
import org.estafeta.testing.TrustAll;
import org.estafeta.tls.CertifiedKey;
import org.estafeta.tls.acme.AcmeRenewal.Challenge;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.util.CertificateUtils;
import org.slf4j.LoggerFactory;

/**
 * TLS-ALPN-01 (RFC 8737) against Let's Encrypt's Pebble: its validator reaches only our HTTPS port
 * (its HTTP-01 port is one nobody listens on), makes a handshake offering acme-tls/1 for each name
 * dnsmasq resolves, and must find there the challenge certificate; the certificate it then issues is
 * served by every listener. Validation is real: no PEBBLE_VA_ALWAYS_VALID.
 */
class AcmeTlsAlpnTest {

    @Test
    void issuesByTlsAlpnOnTheHttpsPortAndEveryListenerServesIt() throws Exception {
        assertThat(Processes.available("pebble")).as("pebble is not installed (./run-tests installs it)").isTrue();
        ListAppender<ILoggingEvent> orders = new ListAppender<>();
        orders.start();
        ((Logger) LoggerFactory.getLogger(AcmeOrder.class)).addAppender(orders);
        try (Dnsmasq dns = new Dnsmasq().host("mx.servidor.es", "127.0.0.1").host("mail.servidor.es", "127.0.0.1")
                .host("autoconfig.servidor.es", "127.0.0.1").host("mta-sts.servidor.es", "127.0.0.1").start();
             Pebble pebble = Pebble.prepare()) {
            TestServer server = TestServer.start(Map.of("tls.acme_directory", pebble.directory(), "tls.acme_email", "postmaster@servidor.es",
                    "tls.acme_trust", pebble.httpsCertificate().toString(), "tls.acme_challenge", "tls-alpn-01", "ports.managesieve", "0"));
            try {
                int https = server.server().web().tlsPort();
                pebble.start(Pebble.freePort(), https, dns.address(), Duration.ofDays(1));
                server.server().reloadCertificates(); // look now rather than after the backoff of the failed first try

                SSLContext verifying = Pebble.trusting(List.of(pebble.root()));
                X509Certificate issued = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> TlsProbe.chain(https, Start.IMPLICIT, "mail.servidor.es", verifying), c -> true)[0];
                assertThat(names(issued)).containsExactlyInAnyOrder("mx.servidor.es", "mail.servidor.es", "autoconfig.servidor.es",
                        "mta-sts.servidor.es");
                // Pebble's HTTP-01 port has nobody behind it: each name was proven on our HTTPS port, by acme-tls/1.
                assertThat(Logged.events(orders).stream().map(ILoggingEvent::getFormattedMessage).toList()).containsExactlyInAnyOrder(
                        "ACME: mx.servidor.es proven by tls-alpn-01", "ACME: mail.servidor.es proven by tls-alpn-01",
                        "ACME: autoconfig.servidor.es proven by tls-alpn-01", "ACME: mta-sts.servidor.es proven by tls-alpn-01");

                // Every listener, implicit TLS or STARTTLS, serves it.
                assertThat(TlsProbe.chain(server.port("smtps"), Start.IMPLICIT, "mx.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(server.port("submission"), Start.SMTP, "mx.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(server.port("smtp"), Start.SMTP, "mx.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(server.port("imaps"), Start.IMPLICIT, "mail.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(server.port("imap"), Start.IMAP, "mail.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(server.port("pop3s"), Start.IMPLICIT, "mail.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(server.port("pop3"), Start.POP3, "mail.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(server.port("managesieve"), Start.MANAGESIEVE, "mail.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(TlsProbe.chain(https, Start.IMPLICIT, "autoconfig.servidor.es", verifying)[0]).isEqualTo(issued);

                // With no validation open, a handshake offering acme-tls/1 gets no certificate at all, not the real one.
                assertThatThrownBy(() -> acmeTlsHandshake(https, "mail.servidor.es", null)).isInstanceOf(SSLHandshakeException.class);
                // With one open, it gets the challenge certificate, and the server closes the connection then (RFC 8737 §3).
                KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
                rsa.initialize(2048);
                KeyPair key = rsa.generateKeyPair();
                X509Certificate challenge = CertificateUtils.createTlsAlpn01Certificate(key, Identifier.dns("mail.servidor.es"), new byte[32]);
                server.server().certificates().tlsAlpnChallenges().put("mail.servidor.es", new CertifiedKey(key.getPrivate(), List.of(challenge)));
                assertThat(acmeTlsHandshake(https, "mail.servidor.es", challenge)).as("closed by the server after the handshake").isEqualTo(-1);
                // Ordinary clients meanwhile: the issued certificate, with or without ALPN.
                assertThat(TlsProbe.chain(https, Start.IMPLICIT, "mail.servidor.es", verifying)[0]).isEqualTo(issued);
                assertThat(Processes.run(List.of("curl", "-sS", "--http2", "-o", "/dev/null", "-w", "%{http_version}", "--cacert", root(pebble),
                        "--resolve", "mail.servidor.es:" + https + ":127.0.0.1", "https://mail.servidor.es:" + https + "/login"), new byte[0]).output())
                        .as("curl offering h2 and http/1.1 gets HTTP/1.1").isEqualTo("1.1");
            } finally {
                server.closeAndDelete();
            }
        }
    }

    @Test
    void autoChoosesTlsAlpnOnlyWhenTheHttpsPortIs443AndHttpIsNot80() {
        assertThat(Challenge.choose("auto", 8080, 443)).isEqualTo(Challenge.TLS_ALPN_01);
        assertThat(Challenge.choose("auto", -1, 443)).isEqualTo(Challenge.TLS_ALPN_01);
        assertThat(Challenge.choose("auto", 80, 443)).isEqualTo(Challenge.HTTP_01);
        assertThat(Challenge.choose("auto", 8080, 8443)).isEqualTo(Challenge.HTTP_01);
        assertThat(Challenge.choose("http-01", 8080, 443)).isEqualTo(Challenge.HTTP_01);
        assertThat(Challenge.choose("tls-alpn-01", 80, 8443)).isEqualTo(Challenge.TLS_ALPN_01);
    }

    /**
     * A handshake as a validating CA makes it (RFC 8737 §3): SNI, ALPN acme-tls/1 only. Checks that
     * {@code expected} was presented with acme-tls/1 agreed, then returns what a read gets (-1: closed).
     */
    private static int acmeTlsHandshake(int port, String name, X509Certificate expected) throws Exception {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory().createSocket(plain, name, port, true);
            SSLParameters p = tls.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(name)));
            p.setApplicationProtocols(new String[] {"acme-tls/1"});
            tls.setSSLParameters(p);
            tls.setSoTimeout(5000);
            tls.startHandshake();
            assertThat(tls.getApplicationProtocol()).isEqualTo("acme-tls/1");
            assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(expected);
            return tls.getInputStream().read();
        }
    }

    /** Pebble's root as a PEM file, for curl. */
    private static String root(Pebble pebble) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("pebble-root", ".pem");
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pebble.root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return file.toString();
    }

    private static List<String> names(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream().map(san -> (String) san.get(1)).toList();
    }
}
