package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.store.Queue;
import org.estafeta.testing.FakeSmtpServer;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestDns;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DSN (RFC 3461) success and delay notices, and what a receiver hanging up means for the queue. */
class NotificationsTest {

    private TestDns dns;
    private TestServer a;

    @BeforeEach
    void dns() throws IOException {
        dns = new TestDns().add("destino.es. 60 IN MX 10 mx.destino.es.").add("mx.destino.es. 60 IN A 127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (a != null) a.closeAndDelete();
        dns.close();
    }

    private TestServer start(int remotePort, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of("dns.servers", dns.address(), "queue.remote_port", String.valueOf(remotePort),
                "queue.retry_schedule", "1s", "queue.poll_interval", "1s", "queue.command_timeout", "2s", "queue.connect_timeout", "2s"));
        settings.putAll(more);
        return TestServer.start(settings);
    }

    private String sendWithDsn(String to, String notify) throws IOException {
        try (SmtpDialog smtp = SmtpDialog.connect(a.port("smtp"))) {
            assertThat(smtp.command("MAIL FROM:<" + TestServer.USER + "> RET=HDRS ENVID=env+2D42")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<" + to + "> NOTIFY=" + notify + " ORCPT=rfc822;" + to)).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            return smtp.command("Subject: dsn\r\n\r\nbody\r\n.");
        }
    }

    @Test
    void localDeliveryWithNotifySuccessSendsADeliveredNotice() throws Exception {
        a = start(1, Map.of());
        assertThat(sendWithDsn(TestServer.OTHER_USER, "SUCCESS,FAILURE")).startsWith("250");
        assertThat(a.inbox(TestServer.OTHER_USER)).hasSize(1);
        List<String> notices = a.inboxText(TestServer.USER);
        assertThat(notices).singleElement().satisfies(n -> assertThat(n).contains("Subject: Successful Mail Delivery Report",
                "Original-Envelope-Id: env+2D42", "Final-Recipient: rfc822; pepe@servidor.es",
                "Original-Recipient: rfc822;pepe@servidor.es", "Action: delivered", "Status: 2.0.0",
                "Content-Type: text/rfc822-headers", "Subject: dsn").doesNotContain("\r\nbody\r\n"));
    }

    @Test
    void longDelayTellsSendersWhoAskedOnce() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0)) {
            port = reserve.getLocalPort();
        }
        a = start(port, Map.of("queue.delay_warning", "1s"));
        assertThat(sendWithDsn("ana@destino.es", "DELAY,FAILURE")).startsWith("250");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.inbox(TestServer.USER).size() == 1);
        assertThat(a.inboxText(TestServer.USER).getFirst()).contains("Subject: Delayed Mail (still being retried)",
                "Action: delayed", "Status: 4.4.1", "Will-Retry-Until: ");
        Thread.sleep(3000);
        assertThat(a.inbox(TestServer.USER)).as("one delay notice only").hasSize(1);
        assertThat(a.server().storage().queue().list()).singleElement().satisfies(e -> assertThat(e.delayNotified()).isTrue());
    }

    /** Messages waiting for the same domain go over one connection, one transaction after another. */
    @Test
    void oneConnectionCarriesManyMessages() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0)) {
            port = reserve.getLocalPort();
        }
        a = start(port, Map.of("queue.connections_per_domain", "1", "queue.retry_schedule", "1h"));
        for (int i = 0; i < 5; i++) assertThat(sendWithDsn("ana" + i + "@destino.es", "FAILURE")).startsWith("250");
        Queue queue = a.server().storage().queue();
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.list().size() == 5 && queue.list().stream().allMatch(e -> e.attempts() == 1));
        try (FakeSmtpServer fake = new FakeSmtpServer(FakeSmtpServer.Behaviour.ACCEPT_ALL, port)) {
            // What `estafeta queue retry --all` does: all five are due at once.
            assertThat(queue.retry(null)).isEqualTo(5);
            a.server().runQueue();
            await().atMost(Duration.ofSeconds(30)).until(() -> queue.list().isEmpty());
            assertThat(fake.accepted.get()).isEqualTo(5);
            assertThat(fake.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void receiverHangingUpDuringDataMeansRetry() throws Exception {
        try (FakeSmtpServer fake = new FakeSmtpServer(FakeSmtpServer.Behaviour.DROP_DURING_DATA)) {
            a = start(fake.port(), Map.of("queue.retry_schedule", "1h"));
            assertThat(sendWithDsn("ana@destino.es", "FAILURE")).startsWith("250");
            Queue queue = a.server().storage().queue();
            await().atMost(Duration.ofSeconds(30)).until(() -> !queue.list().isEmpty() && queue.list().getFirst().attempts() == 1);
            assertThat(queue.list().getFirst().status()).isEqualTo("queued");
            assertThat(queue.list().getFirst().lastError()).startsWith("4.4.2");
        }
    }

    @Test
    void receiverHangingUpAfterItsOkIsNotADuplicate() throws Exception {
        try (FakeSmtpServer fake = new FakeSmtpServer(FakeSmtpServer.Behaviour.DROP_AFTER_250)) {
            a = start(fake.port(), Map.of());
            assertThat(sendWithDsn("ana@destino.es", "FAILURE")).startsWith("250");
            await().atMost(Duration.ofSeconds(30)).until(() -> a.server().storage().queue().list().isEmpty());
            Thread.sleep(2500);
            assertThat(fake.accepted.get()).isEqualTo(1);
            assertThat(fake.connections.get()).isEqualTo(1);
            assertThat(a.inbox(TestServer.USER)).as("no bounce").isEmpty();
        }
    }
}
