package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.store.MailOption;
import org.estafeta.store.Queue;
import org.estafeta.testing.Postfix;
import org.estafeta.testing.Processes;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestCa;
import org.estafeta.testing.TestDns;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * REQUIRETLS (RFC 8689) and BODY=BINARYMIME (RFC 3030) on the way out. Python's smtplib hands the
 * message to Estafeta A after STARTTLS; A relays it to a second Estafeta B (certificate from a test CA
 * that A trusts through {@code tls.trusted_cas}, REQUIRETLS and BINARYMIME offered) or to a real
 * Postfix (no TLS, no REQUIRETLS, no BINARYMIME). Where the next hop cannot keep the promise the
 * message is not sent and the sender gets a bounce at once (5.7.10, 5.6.3), never a retry.
 */
class RequireTlsRelayTest {

    private static final String MESSAGE = "From: usuario@servidor.es\r\nTo: ana@destino.es\r\nSubject: confidencial\r\n"
            + "Date: Tue, 1 Dec 2026 06:00:00 +0000\r\nMessage-ID: <secreto@servidor.es>\r\n\r\nLa clave es 1234.\r\n";
    /** Binary content (RFC 3030 §3): a bare CR, a bare LF and octets that are no UTF-8, to be carried as they are. */
    private static final byte[] BINARY = concat("From: usuario@servidor.es\r\nTo: ana@destino.es\r\nSubject: binario\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n",
            new byte[] {'a', '\r', 'b', '\n', 'c', (byte) 0xff, (byte) 0xfe, (byte) 0x80, '\r', '\n'});

    private static TestCa ca;
    private static TestCa.Issued goodMx, wrongMx;

    private TestDns dns;
    private TestServer a, b;
    private Postfix postfix;

    @BeforeAll
    static void certificates() throws Exception {
        ca = new TestCa(Files.createTempDirectory("test-ca"));
        goodMx = ca.issue("mx", "mx.destino.es", "mx.peer.test");
        wrongMx = ca.issue("wrong", "wrong.example");
    }

    @BeforeEach
    void dns() throws IOException {
        dns = new TestDns().add("destino.es. 60 IN MX 10 mx.destino.es.").add("lejos.es. 60 IN MX 10 mx.destino.es.")
                .add("mx.destino.es. 60 IN A 127.0.0.1").add("peer.test. 60 IN MX 10 mx.peer.test.").add("mx.peer.test. 60 IN A 127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (postfix != null) postfix.close();
        if (a != null) a.closeAndDelete();
        if (b != null) b.closeAndDelete();
        dns.close();
    }

    /** B, the MX of destino.es and lejos.es; mail for lejos.es it relays on to a port where nobody listens, so it stays queued. */
    private void startReceiver(TestCa.Issued certificate) {
        b = TestServer.start(Map.of("server.hostname", "mx.destino.es", "server.domains", "destino.es,servidor.es",
                "tls.certificate", certificate.certificate().toString(), "tls.private_key", certificate.privateKey().toString(),
                "queue.transports", "lejos.es=127.0.0.1:1", "queue.retry_schedule", "1h", "queue.connect_timeout", "2s"));
        b.addAccount("ana@destino.es");
    }

    /** A, relaying by MX to {@code remotePort}, and peer.test to {@code postfixPort} when not 0. */
    private void startSender(int remotePort, int postfixPort) {
        Map<String, String> settings = new HashMap<>(Map.of("dns.servers", dns.address(), "queue.remote_port", String.valueOf(remotePort),
                "queue.retry_schedule", "1h", "queue.poll_interval", "1s", "queue.command_timeout", "10s", "queue.connect_timeout", "2s",
                "tls.trusted_cas", ca.certificate().toString()));
        if (postfixPort != 0) settings.put("queue.transports", Postfix.DOMAIN + "=127.0.0.1:" + postfixPort);
        a = TestServer.start(settings);
    }

    /** smtplib after STARTTLS; returns what the script printed. */
    private String python(String to, String params, byte[] message) throws Exception {
        Path file = Files.createTempFile("message", ".eml");
        try {
            Files.write(file, message);
            Processes.Result r = Processes.run(List.of("python3", Processes.resource("smtp_send_tls.py").toString(),
                    String.valueOf(a.port("smtp")), TestServer.USER, to, params, file.toString()), new byte[0]);
            assertThat(r.exitCode()).as(r.output()).isZero();
            return r.output();
        } finally {
            Files.delete(file);
        }
    }

    private static byte[] concat(String head, byte[] tail) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(h, h.length + tail.length);
        System.arraycopy(tail, 0, all, h.length, tail.length);
        return all;
    }

    private String bounce() {
        await().atMost(Duration.ofSeconds(60)).until(() -> a.inbox(TestServer.USER).size() == 1);
        return a.inboxText(TestServer.USER).getFirst();
    }

    private void queueEmpties() {
        await().atMost(Duration.ofSeconds(10)).until(() -> a.server().storage().queue().list().isEmpty());
    }

    @Test
    void requireTlsGoesOverVerifiedTlsToAPeerThatOffersItAndTheNextHopKeepsTheFlag() throws Exception {
        startReceiver(goodMx);
        startSender(b.port("smtp"), 0);
        // RFC 8689 §4.1: with REQUIRETLS on MAIL FROM the TLS-Required field is ignored.
        String withField = "TLS-Required: No\r\n" + MESSAGE;
        String out = python("ana@destino.es,eva@lejos.es", "REQUIRETLS", withField.getBytes(StandardCharsets.US_ASCII));
        assertThat(out).contains("REQUIRETLS before STARTTLS: False", "REQUIRETLS after STARTTLS: True", "message: 250 sent");

        await().atMost(Duration.ofSeconds(60)).until(() -> b.inbox("ana@destino.es").size() == 1);
        assertThat(b.inboxText("ana@destino.es").getFirst()).contains("with ESMTPS").endsWith(withField);
        // B keeps REQUIRETLS for its own next hop only if A's MAIL FROM carried it (RFC 8689 §4.1).
        await().atMost(Duration.ofSeconds(30)).until(() -> b.server().storage().queue().list().size() == 1);
        Queue.Entry relayed = b.server().storage().queue().list().getFirst();
        assertThat(relayed.recipient().address()).isEqualTo("eva@lejos.es");
        assertThat(relayed.options()).containsExactly(MailOption.REQUIRETLS);
        queueEmpties();
        assertThat(a.inbox(TestServer.USER)).as("no bounce").isEmpty();
    }

    @Test
    void aPeerWhoseCertificateIsNotForItsNameGetsNoRequireTlsMailTheSenderA5710BounceWithTheHeaderOnly() throws Exception {
        startReceiver(wrongMx);
        startSender(b.port("smtp"), 0);
        python("ana@destino.es", "REQUIRETLS", MESSAGE.getBytes(StandardCharsets.US_ASCII));

        String bounce = bounce();
        assertThat(bounce).contains("Final-Recipient: rfc822; ana@destino.es", "Action: failed", "Status: 5.7.10", "not mx.destino.es")
                .contains("Subject: confidencial")
                .as("RFC 8689 §5: the notice returns the header only").doesNotContain("La clave es 1234.");
        queueEmpties();
        assertThat(b.inbox("ana@destino.es")).isEmpty();
        // The same peer takes mail that did not ask for REQUIRETLS: opportunistic TLS as ever.
        try (SmtpDialog smtp = SmtpDialog.connect(a.port("smtp"))) {
            assertThat(smtp.send(TestServer.USER, "ana@destino.es", MESSAGE)).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> b.inbox("ana@destino.es").size() == 1);
    }

    @Test
    void postfixWithoutRequireTlsGetsNothingTheSenderGetsA5710Bounce() throws Exception {
        postfix = Postfix.start(false, 0);
        startSender(1, postfix.port());
        python("ana@" + Postfix.DOMAIN, "REQUIRETLS", MESSAGE.replace("ana@destino.es", "ana@peer.test").getBytes(StandardCharsets.US_ASCII));

        assertThat(bounce()).contains("Final-Recipient: rfc822; ana@peer.test", "Action: failed", "Status: 5.7.10", "REQUIRETLS")
                .doesNotContain("La clave es 1234.");
        queueEmpties();
        assertThat(postfix.delivered()).isEmpty();
        assertThat(postfix.log()).doesNotContain("ana@peer.test");
    }

    /**
     * Postfix with STARTTLS and a certificate A trusts for its MX name: verified TLS, but Postfix 3.7
     * does not offer REQUIRETLS, so it could not keep the promise further on (RFC 8689 §4.2.1): 5.7.30.
     * A message without REQUIRETLS goes to it over that TLS.
     */
    @Test
    void postfixWithVerifiedTlsButNoRequireTlsGetsNothingTheSenderGetsA5730Bounce() throws Exception {
        postfix = Postfix.start(false, 0, goodMx.certificate(), goodMx.privateKey());
        startSender(postfix.port(), 0);
        String message = MESSAGE.replace("ana@destino.es", "ana@peer.test");
        python("ana@" + Postfix.DOMAIN, "REQUIRETLS", message.getBytes(StandardCharsets.US_ASCII));

        assertThat(bounce()).contains("Final-Recipient: rfc822; ana@peer.test", "Action: failed", "Status: 5.7.30",
                "mx.peer.test [127.0.0.1] does not offer REQUIRETLS").doesNotContain("La clave es 1234.");
        queueEmpties();
        assertThat(postfix.delivered()).isEmpty();
        python("ana@" + Postfix.DOMAIN, "-", message.getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(postfix.delivered()).as(postfix.log()).hasSize(1));
        // Postfix counts each session's commands: the REQUIRETLS attempt ended after STARTTLS and EHLO, with no MAIL.
        assertThat(postfix.log()).contains("ehlo=2 starttls=1 quit=1 commands=4").contains("ehlo=2 starttls=1 mail=1 rcpt=1 bdat=2 quit=1");
    }

    @Test
    void binaryMimeGoesInBdatToAPeerThatOffersItByteForByte() throws Exception {
        startReceiver(goodMx);
        startSender(b.port("smtp"), 0);
        assertThat(python("ana@destino.es", "BODY=BINARYMIME", BINARY)).contains("message: 250");

        await().atMost(Duration.ofSeconds(60)).until(() -> b.inbox("ana@destino.es").size() == 1);
        byte[] stored = b.inbox("ana@destino.es").getFirst();
        assertThat(java.util.Arrays.copyOfRange(stored, stored.length - BINARY.length, stored.length)).as("the content, byte for byte").isEqualTo(BINARY);
        queueEmpties();
        assertThat(a.inbox(TestServer.USER)).as("no bounce").isEmpty();
    }

    @Test
    void binaryMimeToPostfixWhichLacksBinaryMimeBouncesWith563() throws Exception {
        postfix = Postfix.start(false, 0);
        startSender(1, postfix.port());
        byte[] message = new String(BINARY, StandardCharsets.ISO_8859_1).replace("ana@destino.es", "ana@peer.test").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(python("ana@" + Postfix.DOMAIN, "BODY=BINARYMIME", message)).contains("message: 250");

        assertThat(bounce()).contains("Final-Recipient: rfc822; ana@peer.test", "Action: failed", "Status: 5.6.3", "BINARYMIME");
        queueEmpties();
        assertThat(postfix.delivered()).isEmpty();
    }
}
