package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.estafeta.app.Storage;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.config.ConfigLoader;
import org.estafeta.store.Queue;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestDns;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound delivery end to end: server A queues mail for destino.es, finds its MX through a local
 * DNS server and delivers to server B, another Estafeta on loopback.
 */
class RelayTest {

    static final String REMOTE_USER = "ana@destino.es";

    private TestDns dns;
    private TestServer a;
    private TestServer b;

    @BeforeEach
    void dns() throws IOException {
        dns = new TestDns()
                .add("destino.es. 60 IN MX 10 mx.destino.es.")
                .add("mx.destino.es. 60 IN A 127.0.0.1")
                .add("nomail.example. 60 IN MX 0 .")
                .add("nomx.example. 60 IN A 127.0.0.1")
                .servfail("broken.example.");
    }

    @AfterEach
    void stop() {
        if (a != null) a.closeAndDelete();
        if (b != null) b.closeAndDelete();
        dns.close();
    }

    /** B, with its user made before it listens: A retries every second and must never find B without it. */
    private TestServer startB(int port) throws IOException {
        Map<String, String> settings = Map.of("server.hostname", "mx.destino.es", "server.domains", "destino.es,servidor.es",
                "ports.smtp", String.valueOf(port));
        Path dir = Files.createTempDirectory("estafeta-test");
        try (Storage storage = Storage.open(ConfigLoader.load(dir, null, settings, 0))) {
            storage.accounts().addAccount(REMOTE_USER, new PasswordHasher().hash("x"), false);
        }
        return TestServer.start(dir, settings, true);
    }

    private TestServer startA(int remotePort, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of("dns.servers", dns.address(), "queue.remote_port", String.valueOf(remotePort),
                "queue.retry_schedule", "1s", "queue.poll_interval", "1s", "queue.command_timeout", "2s", "queue.connect_timeout", "2s"));
        settings.putAll(more);
        return TestServer.start(settings);
    }

    private static String send(TestServer server, String from, String to, String subject) throws IOException {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            return smtp.send(from, to, "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@servidor.es>\r\n\r\nHola.\r\n.punto\r\n");
        }
    }

    @Test
    void relaysThroughTheMxRecord() throws Exception {
        b = startB(0);
        a = startA(b.port("smtp"), Map.of());
        assertThat(send(a, TestServer.USER, REMOTE_USER, "relay")).startsWith("250 2.0.0 Ok: queued as");
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(REMOTE_USER).size() == 1);
        String received = b.inboxText(REMOTE_USER).getFirst();
        // B's trace on top, then A's: the message went A -> B over TLS, with the content intact.
        assertThat(received).startsWith("Return-Path: <usuario@servidor.es>\r\nReceived: from mx.servidor.es ([127.0.0.1])\r\n\tby mx.destino.es (Estafeta) with ESMTPS id");
        assertThat(received).contains("\tby mx.servidor.es (Estafeta) with ESMTP id").endsWith("\r\n\r\nHola.\r\n.punto\r\n");
        assertThat(received.split("Return-Path:", -1)).as("A's Return-Path is not passed on").hasSize(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.server().storage().queue().list().isEmpty());
    }

    @Test
    void receiverDownThenUpGetsTheMessageOnce() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0)) {
            port = reserve.getLocalPort();
        }
        a = startA(port, Map.of());
        assertThat(send(a, TestServer.USER, REMOTE_USER, "retry")).startsWith("250");
        Queue queue = a.server().storage().queue();
        await().atMost(Duration.ofSeconds(30)).until(() -> !queue.list().isEmpty() && queue.list().getFirst().attempts() >= 1);
        Queue.Entry deferred = queue.list().getFirst();
        assertThat(deferred.status()).isEqualTo("queued");
        assertThat(deferred.lastError()).startsWith("4.4.1");
        b = startB(port);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(REMOTE_USER).size() == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.list().isEmpty());
        Thread.sleep(2000);
        assertThat(b.inbox(REMOTE_USER)).hasSize(1);
        assertThat(a.inbox(TestServer.USER)).as("no bounce").isEmpty();
    }

    @Test
    void rejectedRecipientBouncesWithAProperDsn() throws Exception {
        b = startB(0);
        a = startA(b.port("smtp"), Map.of());
        assertThat(send(a, TestServer.USER, "nadie@destino.es", "bounce")).startsWith("250");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.inbox(TestServer.USER).size() == 1);
        MimeMessage dsn = parse(a.inbox(TestServer.USER).getFirst());
        assertThat(dsn.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(dsn.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(text(parts.getBodyPart(0))).contains("<nadie@destino.es>: 550 5.1.1");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        String status = text(parts.getBodyPart(1));
        assertThat(status).contains("Reporting-MTA: dns; mx.servidor.es", "Final-Recipient: rfc822; nadie@destino.es",
                "Action: failed", "Status: 5.1.1", "Remote-MTA: dns; mx.destino.es [127.0.0.1]", "Diagnostic-Code: smtp; 550 5.1.1");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("message/rfc822");
        assertThat(new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Subject: bounce");
        // The bounce came with the null sender, so it can never bounce again.
        assertThat(a.inboxText(TestServer.USER).getFirst()).startsWith("Return-Path: <>\r\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> a.server().storage().queue().list().isEmpty());
    }

    @Test
    void dnsAnswersDecideBetweenBounceAndRetry() throws Exception {
        a = startA(1, Map.of());
        assertThat(send(a, TestServer.USER, "x@nomail.example", "nullmx")).startsWith("250");
        assertThat(send(a, TestServer.USER, "x@doesnotexist.example", "nxdomain")).startsWith("250");
        assertThat(send(a, TestServer.USER, "x@broken.example", "servfail")).startsWith("250");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.inbox(TestServer.USER).size() == 2);
        List<String> bounces = a.inboxText(TestServer.USER);
        assertThat(bounces).anyMatch(m -> m.contains("Status: 5.1.10") && m.contains("x@nomail.example"));
        assertThat(bounces).anyMatch(m -> m.contains("Status: 5.1.2") && m.contains("x@doesnotexist.example"));
        // The bounce is stored a moment before its recipient is marked done in the queue.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.server().storage().queue().list().size() == 1);
        List<Queue.Entry> left = a.server().storage().queue().list();
        assertThat(left).singleElement().satisfies(e -> {
            assertThat(e.recipient().address()).isEqualTo("x@broken.example");
            assertThat(e.status()).isEqualTo("queued");
        });
    }

    @Test
    void silentAndGarbageServersAreRetriedLater() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket s = silent.accept();
                        s.getOutputStream().write("garbage that is not SMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            a = startA(silent.getLocalPort(), Map.of("queue.retry_schedule", "1h"));
            assertThat(send(a, TestServer.USER, REMOTE_USER, "garbage")).startsWith("250");
            Queue queue = a.server().storage().queue();
            await().atMost(Duration.ofSeconds(30)).until(() -> !queue.list().isEmpty() && queue.list().getFirst().attempts() == 1);
            assertThat(queue.list().getFirst().lastError()).contains("unexpected answer");
            assertThat(queue.list().getFirst().status()).isEqualTo("queued");
        }
    }

    @Test
    void transportOverrideSkipsTheMxLookup() throws Exception {
        b = startB(0);
        a = startA(1, Map.of("dns.servers", "127.0.0.1:9", "queue.transports", "destino.es=127.0.0.1:" + b.port("smtp")));
        assertThat(send(a, TestServer.USER, REMOTE_USER, "transport")).startsWith("250");
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(REMOTE_USER).size() == 1);
    }

    /** A smarthost for everything, reached on its submission port with STARTTLS and AUTH PLAIN. */
    @Test
    void smarthostWithAuthentication() throws Exception {
        b = TestServer.start(Map.of("server.hostname", "smarthost.example", "server.domains", "destino.es,servidor.es",
                "smtp.check_sender", "false", "smtp.relay_networks", ""));
        b.server().storage().accounts().addAccount(REMOTE_USER, new PasswordHasher().hash("clave"), false);
        a = startA(1, Map.of("dns.servers", "127.0.0.1:9", "queue.transports", "*=127.0.0.1:" + b.port("submission"),
                "queue.smarthost_user", REMOTE_USER, "queue.smarthost_password", "clave"));
        assertThat(send(a, TestServer.USER, REMOTE_USER, "smarthost")).startsWith("250");
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(REMOTE_USER).size() == 1);
        assertThat(b.inboxText(REMOTE_USER).getFirst()).contains("by smarthost.example (Estafeta) with ESMTPSA id");
    }

    @Test
    void relayIsRefusedToStrangersButOpenToTheRelayNetworks() throws Exception {
        a = startA(1, Map.of("smtp.relay_networks", "10.0.0.0/8"));
        assertThat(send(a, "spammer@example.com", REMOTE_USER, "open relay?")).isEqualTo("554 5.7.1 <ana@destino.es>: Relay access denied");
        assertThat(a.server().storage().queue().list()).isEmpty();
    }

    private static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    private static String text(BodyPart part) throws Exception {
        return new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
