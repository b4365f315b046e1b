package org.estafeta.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.store.Account;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What POP3 does to the store: sizes are exactly what RETR sends, RETR sends exactly what SMTP
 * stored, DELE takes effect only at QUIT and exactly for the marked messages, UIDs are stable.
 */
class Pop3MaildropTest {

    private static final String[] MESSAGES = {
        "Subject: uno\r\n\r\nHola.\r\n",
        "Subject: dos\r\n\r\n.empieza por punto\r\n..dos puntos\r\n.\r\n\r\n\r\nfin\r\n",
        "Subject: =?UTF-8?Q?tr=C3=A9s?=\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nCanción con ñ.\r\n" + "x".repeat(5000) + "\r\n",
    };

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
        for (String m : MESSAGES) server.deliver(TestServer.USER, m);
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    private Pop3Client login() throws Exception {
        Pop3Client c = Pop3Client.connect(server.port("pop3"), false);
        c.login(TestServer.USER, TestServer.PASSWORD);
        return c;
    }

    @Test
    void listSizesAreExactAndRetrSendsWhatSmtpStored() throws Exception {
        List<byte[]> stored = server.inbox(TestServer.USER);
        assertThat(stored).hasSize(3);
        try (Pop3Client c = login()) {
            long total = stored.stream().mapToLong(b -> b.length).sum();
            assertThat(c.command("STAT")).isEqualTo("+OK 3 " + total);
            assertThat(c.command("LIST")).isEqualTo("+OK 3 messages (" + total + " octets)");
            String listing = new String(c.body(), StandardCharsets.US_ASCII);
            assertThat(listing).isEqualTo("1 " + stored.get(0).length + "\r\n2 " + stored.get(1).length + "\r\n3 " + stored.get(2).length + "\r\n");
            for (int n = 1; n <= 3; n++) {
                byte[] expected = stored.get(n - 1);
                assertThat(c.command("LIST " + n)).isEqualTo("+OK " + n + " " + expected.length);
                assertThat(c.command("RETR " + n)).isEqualTo("+OK " + expected.length + " octets");
                byte[] got = c.body();
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
                assertThat(got).isEqualTo(expected);
                assertThat(new String(expected, StandardCharsets.UTF_8)).endsWith(MESSAGES[n - 1]);
                // TOP n 0 is the header and the empty line after it.
                assertThat(c.command("TOP " + n + " 0")).startsWith("+OK");
                String text = new String(expected, StandardCharsets.UTF_8);
                assertThat(new String(c.body(), StandardCharsets.UTF_8)).isEqualTo(text.substring(0, text.indexOf("\r\n\r\n") + 4));
            }
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void deleThenDroppedConnectionDeletesNothing() throws Exception {
        List<byte[]> before = server.inbox(TestServer.USER);
        long modseq = inbox().highestModSeq();
        Pop3Client c = login();
        assertThat(c.command("DELE 1")).startsWith("+OK");
        assertThat(c.command("DELE 2")).startsWith("+OK");
        assertThat(c.command("RETR 3")).startsWith("+OK");
        c.body();
        c.abort();
        // The session ends when the server sees the reset; then its lock is free and nothing changed.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Pop3Client again = Pop3Client.connect(server.port("pop3"), false)) {
                again.command("USER " + TestServer.USER);
                String reply = again.command("PASS " + TestServer.PASSWORD);
                if (reply.startsWith("-ERR [IN-USE]")) return false;
                assertThat(reply).startsWith("+OK Mailbox locked and ready, 3 messages");
                assertThat(again.command("QUIT")).startsWith("+OK");
                return true;
            }
        });
        assertThat(server.inbox(TestServer.USER)).containsExactlyElementsOf(before);
        assertThat(server.inboxMessages(TestServer.USER)).allMatch(m -> m.flags() == 0);
        assertThat(inbox().highestModSeq()).isEqualTo(modseq);
    }

    @Test
    void deleThenQuitDeletesExactlyTheMarkedMessages() throws Exception {
        List<byte[]> before = server.inbox(TestServer.USER);
        List<MessageInfo> rows = server.inboxMessages(TestServer.USER);
        long modseq = inbox().highestModSeq();
        try (Pop3Client c = login()) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("DELE 3")).startsWith("+OK");
            assertThat(c.command("QUIT")).isEqualTo("+OK " + TestServer.HOSTNAME + " POP3 server signing off (1 messages left)");
        }
        assertThat(server.inbox(TestServer.USER)).containsExactly(before.get(1));
        assertThat(server.inboxMessages(TestServer.USER)).extracting(MessageInfo::uid).containsExactly(rows.get(1).uid());
        assertThat(inbox().highestModSeq()).isGreaterThan(modseq);
    }

    @Test
    void uidlIsUidValidityDotUidAndStableAcrossSessions() throws Exception {
        Mailbox inbox = inbox();
        List<String> expected = new ArrayList<>();
        List<MessageInfo> rows = server.inboxMessages(TestServer.USER);
        for (int i = 0; i < rows.size(); i++) expected.add((i + 1) + " " + inbox.uidValidity() + "." + rows.get(i).uid());
        try (Pop3Client c = login()) {
            assertThat(c.command("UIDL")).startsWith("+OK");
            assertThat(new String(c.body(), StandardCharsets.US_ASCII).lines().toList()).isEqualTo(expected);
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        try (Pop3Client c = login()) {
            assertThat(c.command("UIDL")).startsWith("+OK");
            assertThat(new String(c.body(), StandardCharsets.US_ASCII).lines().toList())
                    .containsExactly("1 " + expected.get(1).substring(2), "2 " + expected.get(2).substring(2));
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void mailArrivingDuringASessionWaitsForTheNextOne() throws Exception {
        try (Pop3Client c = login()) {
            server.deliver(TestServer.USER, "Subject: cuatro\r\n\r\nNuevo.\r\n");
            assertThat(c.command("STAT")).startsWith("+OK 3 ");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(server.inbox(TestServer.USER)).hasSize(3);
        try (Pop3Client c = login()) {
            assertThat(c.command("STAT")).startsWith("+OK 3 ");
            assertThat(c.command("RETR 3")).startsWith("+OK");
            assertThat(new String(c.body(), StandardCharsets.UTF_8)).endsWith("Subject: cuatro\r\n\r\nNuevo.\r\n");
        }
    }

    private Mailbox inbox() {
        Account account = server.server().storage().accounts().account(TestServer.USER).orElseThrow();
        return server.server().storage().mailboxes().mailbox(account.id(), "INBOX").orElseThrow();
    }
}
