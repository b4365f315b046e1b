package org.estafeta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.estafeta.store.Flag;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mail arriving over SMTP goes where the account's active Sieve script says, and never gets lost. */
class SieveDeliveryTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    private long id(String address) {
        return server.server().storage().accounts().account(address).orElseThrow().id();
    }

    private void activate(String address, String script) {
        server.server().storage().sieveScripts().put(id(address), "main", script);
        server.server().storage().sieveScripts().setActive(id(address), "main");
    }

    private void send(String from, String to, String message) throws Exception {
        assertThat(sendReply(from, to, message)).startsWith("250");
    }

    private String sendReply(String from, String to, String message) throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            return smtp.send(from, to, message);
        }
    }

    private int count(String address, String mailbox) {
        var box = server.server().storage().mailboxes().mailbox(id(address), mailbox);
        return box.map(b -> server.server().storage().messages().list(b.id()).size()).orElse(0);
    }

    @Test
    void fileintoCreatesTheFolderAndSetsFlags() throws Exception {
        activate(TestServer.USER, "require [\"fileinto\", \"mailbox\", \"imap4flags\"];\n"
                + "if header :contains \"subject\" \"report\" { fileinto :create :flags \"\\\\Seen\" \"Reports\"; }\n");
        send("pepe@pepito.es", TestServer.USER, "Subject: weekly report\r\n\r\nnumbers\r\n");
        send("pepe@pepito.es", TestServer.USER, "Subject: hello\r\n\r\nhi\r\n");
        assertThat(count(TestServer.USER, "Reports")).isEqualTo(1);
        var reports = server.server().storage().mailboxes().mailbox(id(TestServer.USER), "Reports").orElseThrow();
        assertThat(Flag.SEEN.isSet(server.server().storage().messages().list(reports.id()).getFirst().flags())).isTrue();
        assertThat(count(TestServer.USER, "INBOX")).isEqualTo(1);
    }

    /**
     * A folder and flags named by a variable that the message fills in: a name that is no mailbox (an
     * empty level, a line break from an encoded word) keeps the message in INBOX and creates nothing,
     * and a word that is no IMAP flag is not stored as a keyword (found by SieveFuzzTest).
     */
    @Test
    void namesFilledFromTheMessageMakeNoBadMailboxOrKeyword() throws Exception {
        activate(TestServer.USER, "require [\"fileinto\", \"mailbox\", \"imap4flags\", \"variables\"];\n"
                + "if header :matches \"subject\" \"*\" { fileinto :create :flags \"${1}\" \"lists/${1}\"; }\n");
        send("pepe@pepito.es", TestServer.USER, "Subject: a//b\r\n\r\nempty level\r\n");
        send("pepe@pepito.es", TestServer.USER, "Subject: =?utf-8?q?tea=0D=0ABcc:_x?=\r\n\r\nline break\r\n");
        send("pepe@pepito.es", TestServer.USER, "Subject: (x) news\r\n\r\nfine\r\n");
        assertThat(count(TestServer.USER, "INBOX")).isEqualTo(2);
        assertThat(server.server().storage().mailboxes().mailboxes(id(TestServer.USER))).extracting(m -> m.name())
                .filteredOn(n -> n.startsWith("lists/")).containsExactly("lists/(x) news");
        var news = server.server().storage().mailboxes().mailbox(id(TestServer.USER), "lists/(x) news").orElseThrow();
        assertThat(server.server().storage().messages().list(news.id()).getFirst().keywords()).containsExactly("news");
    }

    @Test
    void aFailingScriptKeepsTheMessage() throws Exception {
        activate(TestServer.USER, "redirect \"a@x.example\"; redirect \"b@x.example\"; redirect \"c@x.example\"; redirect \"d@x.example\"; redirect \"e@x.example\";");
        send("pepe@pepito.es", TestServer.USER, "Subject: x\r\n\r\nbody\r\n");
        assertThat(count(TestServer.USER, "INBOX")).isEqualTo(1);
    }

    @Test
    void twoVacationsAnswerOnceEachThenSilence() throws Exception {
        String vacation = "require \"vacation\";\nvacation :days 1 :subject \"Away\" \"I am away.\";\n";
        activate(TestServer.USER, vacation);
        activate(TestServer.OTHER_USER, vacation);
        for (int i = 0; i < 3; i++) {
            send(TestServer.OTHER_USER, TestServer.USER, "From: <" + TestServer.OTHER_USER + ">\r\nTo: <" + TestServer.USER + ">\r\nSubject: hi " + i
                    + "\r\n\r\nhello\r\n");
        }
        // USER answers OTHER_USER once (per day); OTHER_USER's script never answers the auto-reply (RFC 3834).
        await().atMost(Duration.ofSeconds(20)).until(() -> count(TestServer.OTHER_USER, "INBOX") == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> count(TestServer.OTHER_USER, "INBOX") == 1
                && count(TestServer.USER, "INBOX") == 3);
        assertThat(server.inboxText(TestServer.OTHER_USER).getFirst()).contains("Subject: Away", "Auto-Submitted: auto-replied");
    }

    @Test
    void vacationKnowsTheAccountsAliasesAsItsOwnAddresses() throws Exception {
        server.server().storage().accounts().addAlias("ventas@" + TestServer.DOMAIN, java.util.List.of(TestServer.USER));
        server.server().storage().accounts().addAlias("@" + TestServer.DOMAIN, java.util.List.of(TestServer.USER));
        activate(TestServer.USER, "require \"vacation\";\nvacation :days 1 :subject \"Away\" \"I am away.\";\n");
        String from = TestServer.OTHER_USER;
        // Through the catch-all: not an address of the account's, so no reply (RFC 5230 §4.5).
        send(from, TestServer.USER, "From: <" + from + ">\r\nTo: <cualquiera@" + TestServer.DOMAIN + ">\r\nSubject: x\r\n\r\nhola\r\n");
        // Delivered to the account's own address, written to its alias (a list expanded upstream, a Bcc).
        send(from, TestServer.USER, "From: <" + from + ">\r\nTo: <ventas@" + TestServer.DOMAIN + ">\r\nSubject: pedido\r\n\r\nhola\r\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> count(from, "INBOX") == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> count(from, "INBOX") == 1);
        assertThat(server.inboxText(from).getFirst()).contains("Subject: Away", "To: <" + from + ">");
    }

    @Test
    void discardAndRejectLeaveNoCopy() throws Exception {
        activate(TestServer.USER, "require \"reject\";\nif header :contains \"subject\" \"spam\" { discard; } elsif header :contains \"subject\" \"ad\" { reject \"no ads\"; }\n");
        send("pepe@pepito.es", TestServer.USER, "Subject: spam\r\n\r\nx\r\n");
        // With one recipient the refusal is the SMTP reply itself (RFC 5429 §2.1: refuse in the protocol
        // rather than bounce where the transaction is still open), so no backscatter DSN is made.
        assertThat(sendReply("pepe@pepito.es", TestServer.USER, "Subject: ad\r\n\r\nx\r\n")).startsWith("550 5.7.1").contains("no ads");
        send("pepe@pepito.es", TestServer.USER, "Subject: real\r\n\r\nx\r\n");
        assertThat(count(TestServer.USER, "INBOX")).isEqualTo(1);
    }
}
