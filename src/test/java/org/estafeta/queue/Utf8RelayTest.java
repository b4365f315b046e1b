package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.testing.FakeSmtpServer;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestDns;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound SMTPUTF8 (RFC 6531): the MX of an IDN is looked up by its A-labels; a message with UTF-8 in
 * its envelope or header goes with SMTPUTF8 (and in BDAT chunks, RFC 3030) to a peer that offers it,
 * byte for byte; to a peer that does not it is bounced with 5.6.7, never mangled.
 */
class Utf8RelayTest {

    private static final String MESSAGE = "From: Señora <señora@servidor.es>\r\nTo: José <josé@españa.es>\r\n"
            + "Subject: Año nuevo\r\n\r\n¡Feliz año!\r\n..punto\r\n";

    private TestDns dns;
    private TestServer a, b;

    @BeforeEach
    void dns() throws IOException {
        dns = new TestDns().add("xn--espaa-rta.es. 60 IN MX 10 mx.destino.es.").add("destino.es. 60 IN MX 10 mx.destino.es.")
                .add("mx.destino.es. 60 IN A 127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (a != null) a.closeAndDelete();
        if (b != null) b.closeAndDelete();
        dns.close();
    }

    private TestServer sender(int remotePort) {
        Map<String, String> settings = new HashMap<>(Map.of("dns.servers", dns.address(), "queue.remote_port", String.valueOf(remotePort),
                "queue.retry_schedule", "1h", "queue.poll_interval", "1s", "queue.command_timeout", "5s", "queue.connect_timeout", "2s"));
        return TestServer.start(settings);
    }

    private void send(String to) throws IOException {
        try (SmtpDialog smtp = SmtpDialog.connect(a.port("smtp"))) {
            assertThat(smtp.command("MAIL FROM:<señora@servidor.es> SMTPUTF8")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<" + to + ">")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command(MESSAGE.replace("\r\n..punto", "\r\n...punto") + ".")).startsWith("250");
        }
    }

    @Test
    void utf8MailReachesAPeerThatOffersSmtputf8ByteForByte() throws Exception {
        b = TestServer.start(Map.of("server.domains", "servidor.es,localhost,españa.es", "server.hostname", "mx.destino.es"));
        b.addAccount("josé@españa.es");
        a = sender(b.port("smtp"));
        a.addAccount("señora@servidor.es");
        send("josé@xn--espaa-rta.es");
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox("josé@españa.es").size() == 1);
        String stored = new String(b.inbox("josé@españa.es").getFirst(), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <señora@servidor.es>\r\n");
        // B's trace says the message came with SMTPUTF8 (RFC 6531 §4.3: "UTF8SMTP"/"UTF8SMTPS" in Received).
        String fromA = stored.substring(stored.indexOf("\r\nFrom: ") + 2);
        assertThat(fromA).as("content after A's own trace fields, byte for byte").endsWith(MESSAGE);
        // A records the outcome once B's 250 is read, a moment after B has stored the message.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.server().storage().queue().list().isEmpty());
    }

    @Test
    void aPeerWithoutSmtputf8MeansABounceWith567() throws Exception {
        try (FakeSmtpServer fake = new FakeSmtpServer(FakeSmtpServer.Behaviour.ACCEPT_ALL)) {
            a = sender(fake.port());
            a.addAccount("señora@servidor.es");
            send("ana@destino.es");
            await().atMost(Duration.ofSeconds(30)).until(() -> a.inbox("señora@servidor.es").size() == 1);
            List<String> bounce = a.inboxText("señora@servidor.es");
            assertThat(bounce.getFirst()).contains("Action: failed", "Status: 5.6.7", "SMTPUTF8");
            assertThat(fake.accepted.get()).isZero();
        }
    }
}
