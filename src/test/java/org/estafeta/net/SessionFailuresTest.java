package org.estafeta.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.LogCapture;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every protocol fails the same three ways: a client's mistake gets its error reply; a store failure
 * (the database, an unreadable message file) gets "try again later" (451 4.3.0, NO [SERVERBUG],
 * -ERR [SYS/TEMP]), is logged at ERROR with the session id, and the session goes on; only a broken
 * socket ends it. Faults are injected into the real store: a table renamed away, a message's content removed.
 */
class SessionFailuresTest {

    private TestServer server;
    @RegisterExtension
    final LogCapture log = new LogCapture();

    @BeforeEach
    void start() {
        server = TestServer.start(Map.of("smtp.vrfy_local_users", "true"));
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    @Test
    void smtpAnswersAStoreFailureDuringRcptVrfyAndEtrnWith451AndGoesOn() throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.command("MAIL FROM:<pepe@pepito.es>")).startsWith("250");
            sql("ALTER TABLE domains RENAME TO domains_away");
            sql("ALTER TABLE queue_recipients RENAME TO queue_recipients_away");
            assertThat(smtp.command("RCPT TO:<" + TestServer.USER + ">")).isEqualTo("451 4.3.0 Error: local error in processing, try again later");
            assertThat(smtp.command("VRFY " + TestServer.USER)).startsWith("451 4.3.0 ");
            assertThat(smtp.command("ETRN remote.example")).startsWith("451 4.3.0 ");
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            sql("ALTER TABLE domains_away RENAME TO domains");
            sql("ALTER TABLE queue_recipients_away RENAME TO queue_recipients");
            assertThat(smtp.command("RCPT TO:<" + TestServer.USER + ">")).startsWith("250 2.1.5");
        }
        assertThat(errorsLogged()).anyMatch(m -> m.matches("smtp 127\\.0\\.0\\.1 session [0-9a-f]{8}: RCPT failed"))
                .anyMatch(m -> m.matches("smtp .* session [0-9a-f]{8}: VRFY failed"))
                .anyMatch(m -> m.matches("smtp .* session [0-9a-f]{8}: ETRN failed"));
    }

    @Test
    void imapAnswersAnUnreadableMessageAndADatabaseFailureWithServerbugAndGoesOn() throws Exception {
        server.deliver(TestServer.USER, "Subject: uno\r\n\r\nperdido\r\n");
        server.deliver(TestServer.USER, "Subject: dos\r\n\r\nsigue\r\n");
        removeBlob(server.inboxMessages(TestServer.USER).getFirst().blob());
        try (Lines imap = new Lines(server.port("imap"))) {
            imap.line();
            assertThat(imap.command("a LOGIN " + TestServer.USER + " " + TestServer.PASSWORD)).startsWith("a OK");
            assertThat(imap.command("b SELECT INBOX")).startsWith("b OK");
            assertThat(imap.command("c FETCH 1 BODY[]")).isEqualTo("c NO [SERVERBUG] Internal error, try again later");
            assertThat(imap.command("d FETCH 2 BODY[TEXT]")).startsWith("d OK");
            assertThat(imap.seen()).contains("sigue");
            sql("ALTER TABLE mailboxes RENAME TO mailboxes_away");
            assertThat(imap.command("e STATUS INBOX (MESSAGES)")).isEqualTo("e NO [SERVERBUG] Internal error, try again later");
            sql("ALTER TABLE mailboxes_away RENAME TO mailboxes");
            assertThat(imap.command("f NOOP")).startsWith("f OK");
        }
        assertThat(errorsLogged()).anyMatch(m -> m.matches("imap .* session [0-9a-f]{8} .*: FETCH failed"))
                .anyMatch(m -> m.matches("imap .* session [0-9a-f]{8} .*: STATUS failed"));
    }

    @Test
    void pop3AnswersAnUnreadableMessageWithSysTempAndGoesOn() throws Exception {
        server.deliver(TestServer.USER, "Subject: uno\r\n\r\nperdido\r\n");
        server.deliver(TestServer.USER, "Subject: dos\r\n\r\nsigue\r\n");
        removeBlob(server.inboxMessages(TestServer.USER).getFirst().blob());
        try (Lines pop = new Lines(server.port("pop3"))) {
            pop.line();
            assertThat(pop.command("USER " + TestServer.USER)).startsWith("+OK");
            assertThat(pop.command("PASS " + TestServer.PASSWORD)).startsWith("+OK");
            assertThat(pop.command("RETR 1")).startsWith("-ERR [SYS/TEMP] ");
            assertThat(pop.command("RETR 2")).startsWith("+OK");
            assertThat(pop.untilDot()).contains("sigue");
            assertThat(pop.command("NOOP")).startsWith("+OK");
        }
        assertThat(errorsLogged()).anyMatch(m -> m.matches("pop3 .* session [0-9a-f]{8}: cannot open blob .*"));
    }

    @Test
    void pop3AnswersADatabaseFailureDuringACommandWithSysTempAndGoesOn() throws Exception {
        try (Lines pop = new Lines(server.port("pop3"))) {
            pop.line();
            assertThat(pop.command("USER " + TestServer.USER)).startsWith("+OK");
            sql("ALTER TABLE mailboxes RENAME TO mailboxes_away");
            assertThat(pop.command("PASS " + TestServer.PASSWORD)).isEqualTo("-ERR [SYS/TEMP] Internal error, try again later");
            assertThat(pop.command("CAPA")).startsWith("+OK");
            assertThat(pop.untilDot()).contains("USER");
            sql("ALTER TABLE mailboxes_away RENAME TO mailboxes");
            assertThat(pop.command("USER " + TestServer.USER)).startsWith("+OK");
            assertThat(pop.command("PASS " + TestServer.PASSWORD)).as("the maildrop lock was let go").startsWith("+OK");
            assertThat(pop.command("STAT")).isEqualTo("+OK 0 0");
        }
        assertThat(errorsLogged()).anyMatch(m -> m.matches("pop3 127\\.0\\.0\\.1 session [0-9a-f]{8}: PASS failed"));
    }

    /** RFC 5804 §1.3: TRYLATER goes with NO or BYE, "a temporary failure" the client may retry. */
    @Test
    void manageSieveAnswersAStoreFailureWithTryLaterAndGoesOn() throws Exception {
        try (Lines sieve = new Lines(server.port("managesieve"))) {
            while (!sieve.line().startsWith("OK")) {
                // the capabilities before the greeting's OK
            }
            String plain = java.util.Base64.getEncoder().encodeToString(("\0" + TestServer.USER + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(sieve.command("AUTHENTICATE \"PLAIN\" \"" + plain + "\"")).startsWith("OK");
            sql("ALTER TABLE sieve_scripts RENAME TO sieve_scripts_away");
            assertThat(sieve.command("LISTSCRIPTS")).isEqualTo("NO (TRYLATER) \"Internal error, try again later\"");
            sql("ALTER TABLE sieve_scripts_away RENAME TO sieve_scripts");
            assertThat(sieve.command("LISTSCRIPTS")).startsWith("OK");
            assertThat(sieve.command("NOOP")).startsWith("OK");
        }
        assertThat(errorsLogged()).anyMatch(m -> m.matches("managesieve 127\\.0\\.0\\.1 session [0-9a-f]{8}: LISTSCRIPTS failed"));
    }

    private java.util.List<String> errorsLogged() {
        return log.events().stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("estafeta.db"));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            s.execute(statement);
        }
    }

    /** The message's content is gone, wherever it was kept: its file, or its row for a small one. */
    private void removeBlob(String hash) throws Exception {
        Files.deleteIfExists(server.dataDir().resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash.substring(2)));
        sql("DELETE FROM blob_contents WHERE hash = '" + hash + "'");
    }

    /** A line-at-a-time client: a command's reply is the line that starts with its tag (IMAP) or the first line (POP3). */
    private static final class Lines implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;
        private final StringBuilder seen = new StringBuilder();

        Lines(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            String l = in.readLine();
            if (l == null) throw new IOException("server closed the connection");
            seen.append(l).append('\n');
            return l;
        }

        String command(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String tag = text.contains(" ") && !Character.isUpperCase(text.charAt(0)) ? text.substring(0, text.indexOf(' ') + 1) : null;
            String l = line();
            if (tag != null) while (!l.startsWith(tag)) l = line();
            return l;
        }

        String untilDot() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String l = line(); !l.equals("."); l = line()) sb.append(l).append('\n');
            return sb.toString();
        }

        String seen() {
            return seen.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
