package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.estafeta.testing.Postfix;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Postfix as the far end, started on loopback in a temp dir: UTF-8 mail goes from Estafeta to Postfix
 * (with SMTPUTF8, RFC 6531, in BDAT chunks, RFC 3030, since Postfix offers CHUNKING) and from Postfix to
 * Estafeta, and arrives byte for byte; to a Postfix without SMTPUTF8 such mail bounces with 5.6.7
 * (RFC 6531 §3.7.5) while plain ASCII mail still goes.
 */
class PostfixPeerTest {

    private static final String MESSAGE = "From: José <josé@ejemplo.es>\r\nTo: Señora <señora@peer.test>\r\n"
            + "Subject: Año nuevo\r\nDate: Tue, 1 Dec 2026 03:00:00 +0000\r\nMessage-ID: <año@ejemplo.es>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "¡Feliz año, señora!\r\n.punto al principio\r\n";

    private TestServer estafeta;
    private Postfix postfix;

    @AfterEach
    void stop() {
        if (postfix != null) postfix.close();
        if (estafeta != null) estafeta.closeAndDelete();
    }

    /** Estafeta serving ejemplo.es with josé in it, its queue routing peer.test to {@code postfixPort}. */
    private void startEstafeta(int postfixPort) {
        estafeta = TestServer.start(Map.of("server.domains", "servidor.es,ejemplo.es", "queue.transports", Postfix.DOMAIN + "=127.0.0.1:" + postfixPort,
                "queue.retry_schedule", "1h", "queue.poll_interval", "1s", "queue.command_timeout", "10s", "queue.connect_timeout", "2s"));
        estafeta.addAccount("josé@ejemplo.es");
    }

    private void sendThroughEstafeta(String from, String to, String message) throws IOException {
        try (SmtpDialog smtp = SmtpDialog.connect(estafeta.port("smtp"))) {
            assertThat(smtp.send(from, to, message)).startsWith("250");
        }
    }

    /** Postfix writes LF line ends into its Maildir; on the wire and in Estafeta they are CRLF. */
    private static String asSent(byte[] postfixFile) {
        return new String(postfixFile, StandardCharsets.UTF_8).replace("\n", "\r\n");
    }

    @Test
    void utf8MailFromEstafetaReachesPostfixByteForByteInBdatChunks() throws Exception {
        postfix = Postfix.start(true, 0);
        startEstafeta(postfix.port());
        sendThroughEstafeta("josé@ejemplo.es", "señora@peer.test", MESSAGE);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(postfix.delivered()).as(postfix.log()).hasSize(1));
        String delivered = asSent(postfix.delivered().getFirst());
        assertThat(delivered).startsWith("Return-Path: <josé@ejemplo.es>\r\nX-Original-To: señora@peer.test\r\n");
        // Postfix's Received says how it came (RFC 6531 §4.3: "UTF8SMTP"); Estafeta's own trace field follows it.
        assertThat(delivered).contains("with UTF8SMTP");
        assertThat(delivered.substring(delivered.indexOf("\r\nFrom: ") + 2)).as("the content, byte for byte").isEqualTo(MESSAGE);
        // RFC 3030: BDAT was used, since Postfix offers CHUNKING; its smtpd counts the commands per session.
        await().atMost(Duration.ofSeconds(10)).until(() -> postfix.log().contains("bdat=2"));
        assertThat(postfix.log()).containsPattern("disconnect from .* ehlo=1 mail=1 rcpt=1 bdat=2 quit=1").doesNotContain("data=1");
        await().atMost(Duration.ofSeconds(10)).until(() -> estafeta.server().storage().queue().list().isEmpty());
    }

    @Test
    void utf8MailFromPostfixReachesEstafetaByteForByte() throws Exception {
        startEstafeta(1);
        postfix = Postfix.start(true, estafeta.port("smtp"));
        String message = MESSAGE.replace("From: José <josé@ejemplo.es>\r\nTo: Señora <señora@peer.test>",
                "From: Señora <señora@peer.test>\r\nTo: José <josé@ejemplo.es>");
        try (SmtpDialog smtp = SmtpDialog.connect(postfix.port())) {
            assertThat(smtp.send("señora@peer.test", "josé@ejemplo.es", message)).startsWith("250");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> estafeta.inbox("josé@ejemplo.es").size() == 1);
        String stored = estafeta.inboxText("josé@ejemplo.es").getFirst();
        assertThat(stored).startsWith("Return-Path: <señora@peer.test>\r\n");
        assertThat(stored).containsPattern("Received: from postfix\\.peer\\.test .*\r\n\tby mx\\.servidor\\.es");
        // Postfix's own Received (UTF8SMTP: it took the message with SMTPUTF8), then the content as sent.
        assertThat(stored).contains("(Postfix) with UTF8SMTP");
        assertThat(stored.substring(stored.indexOf("\r\nFrom: ") + 2)).as("the content, byte for byte").isEqualTo(message);
        assertThat(postfix.log()).contains("relay=127.0.0.1[127.0.0.1]:" + estafeta.port("smtp")).contains("status=sent");
    }

    @Test
    void aPostfixWithoutSmtputf8GetsNoUtf8MailTheSenderGetsA567Bounce() throws Exception {
        postfix = Postfix.start(false, 0);
        startEstafeta(postfix.port());
        sendThroughEstafeta("josé@ejemplo.es", "senora@peer.test", MESSAGE);
        // The same peer takes plain mail, so the bounce is about SMTPUTF8 and not an unreachable peer.
        String ascii = "From: jose@ejemplo.es\r\nTo: senora@peer.test\r\nSubject: plain\r\nDate: Tue, 1 Dec 2026 03:00:00 +0000\r\n"
                + "Message-ID: <plain@ejemplo.es>\r\n\r\nhola\r\n";
        estafeta.addAccount("jose@ejemplo.es");
        sendThroughEstafeta("jose@ejemplo.es", "senora@peer.test", ascii);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(estafeta.inbox("josé@ejemplo.es")).hasSize(1);
            assertThat(postfix.delivered()).as(postfix.log()).hasSize(1);
        });
        String bounce = estafeta.inboxText("josé@ejemplo.es").getFirst();
        assertThat(bounce).contains("Final-Recipient: rfc822; senora@peer.test", "Action: failed", "Status: 5.6.7", "SMTPUTF8");
        List<byte[]> delivered = postfix.delivered();
        assertThat(asSent(delivered.getFirst())).endsWith(ascii);
        assertThat(postfix.log()).doesNotContain("josé@ejemplo.es");
    }
}
