package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.estafeta.store.Account;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.Postfix;
import org.estafeta.testing.Processes;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's "done when", walked once with real peers: an admin creates josé@ejemplo.es in the web
 * admin; Postfix relays him a UTF-8 message over SMTP; he reads it over IMAP after ENABLE UTF8=ACCEPT
 * and over POP3 after UTF8 (Python's imaplib and poplib) and in the webmail, each byte for byte; and
 * from the webmail he answers señora@peer.test, whose Postfix offers SMTPUTF8, and it arrives as sent.
 */
class InternationalAddressEndToEndTest {

    private static final String JOSE = "josé@ejemplo.es", SENORA = "señora@" + Postfix.DOMAIN, ADMIN = "jefa@servidor.es";
    private static final String PASSWORD = "contraseña de José";
    private static final String MESSAGE = "From: Señora <" + SENORA + ">\r\nTo: José <" + JOSE + ">\r\nSubject: Año nuevo\r\n"
            + "Date: Tue, 1 Dec 2026 03:00:00 +0000\r\nMessage-ID: <año@peer.test>\r\n\r\n¡Feliz año, José!\r\n";

    private Postfix postfix;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.closeAndDelete();
        if (postfix != null) postfix.close();
    }

    @Test
    void joseIsCreatedReceivesFromPostfixReadsEverywhereAndAnswersPostfix() throws Exception {
        postfix = Postfix.start(true, 0);
        server = TestServer.start(Map.of("queue.transports", Postfix.DOMAIN + "=127.0.0.1:" + postfix.port(), "queue.retry_schedule", "1h",
                "queue.poll_interval", "1s", "queue.command_timeout", "10s", "queue.connect_timeout", "2s"));
        postfix.relayTo(server.port("smtp"));
        server.server().admin().addUser(ADMIN, TestServer.PASSWORD, true);
        String base = "http://127.0.0.1:" + server.server().web().port();

        // Created in the web admin, as an admin would.
        WebClient admin = new WebClient(base);
        String csrf = admin.login(ADMIN, TestServer.PASSWORD);
        assertThat(admin.post("/admin/domains/add", WebClient.form("_csrf", csrf, "name", "ejemplo.es")).statusCode()).isEqualTo(302);
        assertThat(admin.post("/admin/users/add", WebClient.form("_csrf", csrf, "address", JOSE, "password", PASSWORD)).statusCode()).isEqualTo(302);

        // Over SMTP from Postfix, which took it with SMTPUTF8 and relays it to us.
        try (SmtpDialog smtp = SmtpDialog.connect(postfix.port())) {
            assertThat(smtp.send(SENORA, JOSE, MESSAGE)).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.inbox(JOSE)).as(postfix.log()).hasSize(1));
        byte[] stored = server.inbox(JOSE).getFirst();
        String storedText = new String(stored, StandardCharsets.UTF_8);
        assertThat(storedText).contains("(Postfix) with UTF8SMTP").endsWith(MESSAGE);

        // IMAP after ENABLE UTF8=ACCEPT and POP3 after UTF8, with Python's clients.
        Processes.Result py = Processes.run(List.of("python3", Processes.resource("intl_read.py").toString(), String.valueOf(server.port("imap")),
                String.valueOf(server.port("pop3")), JOSE, PASSWORD), new byte[0]);
        assertThat(py.exitCode()).as(py.output()).isZero();
        // After ENABLE the ENVELOPE has the UTF-8 as it was written (here in literals), no encoded words.
        String envelope = py.output().lines().filter(l -> l.startsWith("ENVELOPE ")).findFirst().orElseThrow();
        assertThat(envelope).contains("Año nuevo", "Señora NIL {7}señora \"peer.test\"", "josé \"ejemplo.es\"").doesNotContain("=?");
        assertThat(decoded(py.output(), "IMAP")).isEqualTo(stored);
        assertThat(decoded(py.output(), "POP3")).isEqualTo(stored);

        // The webmail lists it and shows it.
        WebClient web = new WebClient(base);
        String token = web.login(JOSE, PASSWORD);
        long inbox = mailbox("INBOX").id();
        assertThat(web.get("/box/" + inbox).body()).contains("Señora", "Año nuevo");
        long uid = server.inboxMessages(JOSE).getFirst().uid();
        assertThat(web.get("/box/" + inbox + "/msg/" + uid).body()).contains("Señora &lt;" + SENORA + "&gt;", "¡Feliz año, José!");

        // He answers from the webmail; it goes to Postfix with SMTPUTF8 and arrives as it was sent.
        HttpResponse<String> r = web.post("/compose", WebClient.form("_csrf", token, "to", "Señora <" + SENORA + ">", "cc", "", "bcc", "",
                "subject", "Re: Año nuevo", "body", "¡Igualmente!", "do", "send"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(postfix.delivered()).as(postfix.log()).hasSize(1));
        String delivered = new String(postfix.delivered().getFirst(), StandardCharsets.UTF_8).replace("\n", "\r\n");
        assertThat(delivered).startsWith("Return-Path: <" + JOSE + ">\r\n").contains("with UTF8SMTP");
        String sentCopy = new String(sentCopy(), StandardCharsets.UTF_8);
        assertThat(sentCopy).contains("\r\nTo: =?UTF-8?Q?Se=C3=B1ora?= <" + SENORA + ">\r\n");
        assertThat(delivered.substring(delivered.indexOf("\r\nFrom: ") + 2)).isEqualTo(sentCopy.substring(sentCopy.indexOf("From: ")));
    }

    private static byte[] decoded(String output, String prefix) {
        String line = output.lines().filter(l -> l.startsWith(prefix + " ")).findFirst().orElseThrow(() -> new AssertionError(output));
        return Base64.getDecoder().decode(line.substring(prefix.length() + 1));
    }

    private Mailbox mailbox(String name) {
        Account account = server.server().storage().accounts().account(JOSE).orElseThrow();
        return server.server().storage().mailboxes().mailbox(account.id(), name).orElseThrow();
    }

    private byte[] sentCopy() throws IOException {
        List<MessageInfo> sent = server.server().storage().messages().list(mailbox("Sent").id());
        assertThat(sent).hasSize(1);
        try (InputStream in = server.server().storage().blobs().open(sent.getFirst().blob())) {
            return in.readAllBytes();
        }
    }
}
