package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.estafeta.app.Storage;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.config.ConfigLoader;
import org.estafeta.store.Queue;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.FakeSmtpServer;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestCa;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MTA-STS (RFC 8461) on outbound delivery, with real parts: dnsmasq serves the MX and {@code _mta-sts}
 * records, a JDK HTTPS server with a certificate from a test CA serves the policies, and the receiving
 * MX is another Estafeta with a certificate valid for its name, one for another name, or a plain SMTP
 * server without STARTTLS. Enforce defers (never falls back to plaintext); testing and no policy deliver.
 */
class MtaStsTest {

    private static final String ENFORCED = "ana@destino.es", TESTED = "ana@prueba.es", UNPOLICED = "ana@libre.es", MISMATCHED = "ana@otro.es";

    private static Path caDir;
    private static TestCa ca;
    private static TestCa.Issued goodMx;
    private static TestCa.Issued wrongMx;
    private static Dnsmasq dns;
    private static HttpsServer https;
    /** Policy text by the Host the fetch asked for. */
    private static final Map<String, String> policies = new ConcurrentHashMap<>();

    private TestServer a;
    private TestServer b;

    @BeforeAll
    static void world() throws Exception {
        caDir = Files.createTempDirectory("test-ca");
        ca = new TestCa(caDir);
        goodMx = ca.issue("mx", "mx.destino.es", "mx.prueba.es", "mx.libre.es", "mx.otro.es");
        wrongMx = ca.issue("wrong", "wrong.example");
        TestCa.Issued web = ca.issue("web", "mta-sts.destino.es", "mta-sts.prueba.es", "mta-sts.otro.es");
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(web.serverContext()));
        https.createContext("/.well-known/mta-sts.txt", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":\\d+$", "");
            String policy = policies.get(host);
            byte[] body = (policy == null ? "not here" : policy).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(policy == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        https.start();
        dns = new Dnsmasq();
        for (String domain : List.of("destino.es", "prueba.es", "libre.es", "otro.es")) {
            dns.mx(domain, "mx." + domain, 10).host("mx." + domain, "127.0.0.1").host("mta-sts." + domain, "127.0.0.1");
        }
        dns.txt("_mta-sts.destino.es", "v=STSv1; id=20261201a").txt("_mta-sts.prueba.es", "v=STSv1; id=1")
                .txt("_mta-sts.otro.es", "v=STSv1; id=7").start();
    }

    @AfterAll
    static void stopWorld() throws Exception {
        https.stop(0);
        dns.close();
    }

    @AfterEach
    void stop() {
        if (a != null) a.closeAndDelete();
        if (b != null) b.closeAndDelete();
        policies.clear();
    }

    private static void policies() {
        policies.put("mta-sts.destino.es", "version: STSv1\nmode: enforce\nmx: mx.destino.es\nmax_age: 86400\n");
        policies.put("mta-sts.prueba.es", "version: STSv1\r\nmode: testing\r\nmx: *.prueba.es\r\nmax_age: 86400\r\n");
        policies.put("mta-sts.otro.es", "version: STSv1\nmode: enforce\nmx: *.elsewhere.example\nmax_age: 86400\n");
    }

    /** The receiving MX, with the certificate given; its users exist before it listens. */
    private static TestServer receiver(TestCa.Issued certificate) throws IOException {
        Map<String, String> settings = Map.of("server.hostname", "mx.destino.es", "server.domains", "destino.es,prueba.es,libre.es,otro.es",
                "tls.certificate", certificate.certificate().toString(), "tls.private_key", certificate.privateKey().toString());
        Path dir = Files.createTempDirectory("estafeta-test");
        try (Storage storage = Storage.open(ConfigLoader.load(dir, null, settings, 0))) {
            for (String user : List.of(ENFORCED, TESTED, UNPOLICED, MISMATCHED)) storage.accounts().addAccount(user, new PasswordHasher().hash("x"), false);
        }
        return TestServer.start(dir, settings, false);
    }

    private static Map<String, String> sender(int remotePort) {
        return new HashMap<>(Map.of("dns.servers", dns.address(), "queue.remote_port", String.valueOf(remotePort),
                "queue.retry_schedule", "1s", "queue.poll_interval", "1s", "queue.command_timeout", "5s", "queue.connect_timeout", "2s",
                "tls.trusted_cas", ca.certificate().toString(), "mtasts.fetch_port", String.valueOf(https.getAddress().getPort())));
    }

    private static void send(TestServer server, String to) throws IOException {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send(TestServer.USER, to, "Subject: sts\r\n\r\nHola.\r\n")).startsWith("250");
        }
    }

    /** Waits for the first attempt at the recipient and returns its entry, still queued. */
    private static Queue.Entry deferred(TestServer server, String to) {
        Queue queue = server.server().storage().queue();
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.list().stream().anyMatch(e -> e.recipient().address().equals(to) && e.attempts() >= 1));
        Queue.Entry e = queue.list().stream().filter(x -> x.recipient().address().equals(to)).findFirst().orElseThrow();
        assertThat(e.status()).isEqualTo("queued");
        return e;
    }

    @Test
    void enforceDeliversToANamedMxWithAValidCertificateAndKeepsThePolicy() throws Exception {
        policies();
        b = receiver(goodMx);
        a = TestServer.start(sender(b.port("smtp")));
        send(a, ENFORCED);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(ENFORCED).size() == 1);
        Path cached = a.dataDir().resolve("mta-sts").resolve("destino.es");
        assertThat(cached).exists();
        assertThat(Files.readString(cached)).startsWith("id: 20261201a\n").contains("mode: enforce");
    }

    @Test
    void enforceDefersWhenTheCertificateNamesAnotherHostWhileTestingAndNoPolicyDeliver() throws Exception {
        policies();
        b = receiver(wrongMx);
        a = TestServer.start(sender(b.port("smtp")));
        send(a, ENFORCED);
        send(a, TESTED);
        send(a, UNPOLICED);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(TESTED).size() == 1 && b.inbox(UNPOLICED).size() == 1);
        assertThat(deferred(a, ENFORCED).lastError()).startsWith("4.7.5 MTA-STS policy of destino.es requires authenticated TLS")
                .contains("not mx.destino.es");
        assertThat(b.inbox(ENFORCED)).isEmpty();
    }

    @Test
    void enforceNeverFallsBackToPlaintextWithoutStarttls() throws Exception {
        policies();
        try (FakeSmtpServer plain = new FakeSmtpServer(FakeSmtpServer.Behaviour.ACCEPT_ALL)) {
            a = TestServer.start(sender(plain.port()));
            send(a, ENFORCED);
            assertThat(deferred(a, ENFORCED).lastError()).contains("no STARTTLS");
            assertThat(plain.accepted.get()).isZero();
            send(a, TESTED);
            await().atMost(Duration.ofSeconds(30)).until(() -> plain.accepted.get() == 1);
        }
    }

    /**
     * RFC 8689 §3, §4.2.2: {@code TLS-Required: No} asks that the policy's failures be ignored for this
     * message: under enforce it goes to the MX with the wrong certificate, and to the MX host the policy
     * does not name, while the same message without the field waits.
     */
    @Test
    void tlsRequiredNoDeliversDespiteAnEnforcedPolicy() throws Exception {
        policies();
        b = receiver(wrongMx);
        a = TestServer.start(sender(b.port("smtp")));
        try (SmtpDialog smtp = SmtpDialog.connect(a.port("smtp"))) {
            assertThat(smtp.send(TestServer.USER, ENFORCED, "TLS-Required: No\r\nSubject: not secret\r\n\r\nHola.\r\n")).startsWith("250");
            assertThat(smtp.send(TestServer.USER, MISMATCHED, "Subject: not secret\r\nTLS-Required: no\r\n\r\nHola.\r\n")).startsWith("250");
        }
        send(a, ENFORCED);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(ENFORCED).size() == 1 && b.inbox(MISMATCHED).size() == 1);
        assertThat(b.inboxText(ENFORCED).getFirst()).contains("TLS-Required: No");
        assertThat(deferred(a, ENFORCED).lastError()).startsWith("4.7.5 MTA-STS policy of destino.es requires authenticated TLS");
    }

    @Test
    void enforceSkipsAnMxHostThePolicyDoesNotName() throws Exception {
        policies();
        b = receiver(goodMx);
        a = TestServer.start(sender(b.port("smtp")));
        send(a, MISMATCHED);
        assertThat(deferred(a, MISMATCHED).lastError()).isEqualTo("4.7.5 MX host mx.otro.es does not match the MTA-STS policy of otro.es");
        assertThat(b.inbox(MISMATCHED)).isEmpty();
    }

    /** RFC 8461 §5.1: a policy once fetched holds until max_age, across a restart and when the fetch fails. */
    @Test
    void aCachedPolicyOutlivesARestartAndAFailedFetch() throws Exception {
        policies();
        b = receiver(goodMx);
        a = TestServer.start(sender(b.port("smtp")));
        send(a, ENFORCED);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(ENFORCED).size() == 1);
        a.close();
        b.closeAndDelete();
        policies.clear(); // the policy server now answers 404: an attacker blocking the fetch
        b = receiver(wrongMx);
        a = TestServer.start(a.dataDir(), sender(b.port("smtp")), false);
        send(a, ENFORCED);
        assertThat(deferred(a, ENFORCED).lastError()).contains("requires authenticated TLS");
        assertThat(b.inbox(ENFORCED)).isEmpty();
    }

    /**
     * Item of RFC 8461 on the receiving side: a second Estafeta serves its own policy (enforce, its host
     * name as the mx) on its web port by Host name, and the sender delivers to it under that policy.
     * curl, an independent client, reads the same file and gets 404 for a domain the server does not have.
     */
    @Test
    void aSecondEstafetaServesItsOwnPolicyAndReceivesUnderIt() throws Exception {
        TestCa.Issued both = ca.issue("both", "mx.destino.es", "mta-sts.destino.es", "mta-sts.elsewhere.example");
        Map<String, String> settings = Map.of("server.hostname", "mx.destino.es", "server.domains", "destino.es",
                "tls.certificate", both.certificate().toString(), "tls.private_key", both.privateKey().toString(), "mtasts.mode", "enforce",
                "mtasts.max_age", "2d");
        Path dir = Files.createTempDirectory("estafeta-test");
        try (Storage storage = Storage.open(ConfigLoader.load(dir, null, settings, 0))) {
            storage.accounts().addAccount(ENFORCED, new PasswordHasher().hash("x"), false);
        }
        b = TestServer.start(dir, settings, false);
        int web = b.server().web().tlsPort();
        var curl = new ProcessBuilder("curl", "-sS", "--cacert", ca.certificate().toString(), "--resolve", "mta-sts.destino.es:" + web + ":127.0.0.1",
                "-w", "\n%{http_code} %{content_type}", "https://mta-sts.destino.es:" + web + "/.well-known/mta-sts.txt").redirectErrorStream(true).start();
        assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("version: STSv1\r\nmode: enforce\r\nmx: mx.destino.es\r\nmax_age: 172800\r\n\n200 text/plain;charset=utf-8");
        var other = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", ca.certificate().toString(), "--resolve",
                "mta-sts.elsewhere.example:" + web + ":127.0.0.1", "https://mta-sts.elsewhere.example:" + web + "/.well-known/mta-sts.txt")
                .redirectErrorStream(true).start();
        assertThat(new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("404");

        Map<String, String> sending = sender(b.port("smtp"));
        sending.put("mtasts.fetch_port", String.valueOf(web));
        a = TestServer.start(sending);
        send(a, ENFORCED);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(ENFORCED).size() == 1);
        assertThat(Files.readString(a.dataDir().resolve("mta-sts").resolve("destino.es"))).contains("mode: enforce\r\nmx: mx.destino.es\r\n");
    }

    /** §3.3: a policy that is not served as text/plain is no policy; mail goes as without one. */
    @Test
    void aPolicyServedWithTheWrongMediaTypeIsIgnored() throws Exception {
        policies.put("mta-sts.destino.es", "version: STSv1\nmode: enforce\nmx: mx.destino.es\nmax_age: 86400\n");
        HttpsServer html = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        html.setHttpsConfigurator(new HttpsConfigurator(ca.issue("web2", "mta-sts.destino.es").serverContext()));
        html.createContext("/", exchange -> {
            byte[] body = policies.get("mta-sts.destino.es").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        html.start();
        try {
            b = receiver(wrongMx);
            Map<String, String> settings = sender(b.port("smtp"));
            settings.put("mtasts.fetch_port", String.valueOf(html.getAddress().getPort()));
            a = TestServer.start(settings);
            send(a, ENFORCED);
            await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(ENFORCED).size() == 1);
        } finally {
            html.stop(0);
        }
    }
}
