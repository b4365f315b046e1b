package org.estafeta.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.estafeta.testing.ImapDialog;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole server with its store on a real PostgreSQL ({@code store.url}): mail in by SMTP is read by
 * IMAP, the rows are in PostgreSQL, and while PostgreSQL is down sessions answer 451 4.3.0 and NO
 * [UNAVAILABLE], then go on by themselves once it is back, without a restart of the server; a second
 * node on the same database hears of the first one's mail.
 */
class PostgreSqlServerTest {

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();

    private static TestServer server(String database) {
        return TestServer.start(Map.of("store.url", pg.url(database), "store.user", PostgreSql.USER,
                "store.password", PostgreSql.PASSWORD, "store.timeout", "2s"));
    }

    @Test
    void mailInBySmtpIsReadByImapFromPostgreSql() throws Exception {
        String db = pg.createDatabase();
        TestServer server = server(db);
        try {
            server.deliver(TestServer.USER, "Subject: por PostgreSQL\r\n\r\nHola.\r\n");
            try (ImapDialog imap = ImapDialog.login(server)) {
                assertThat(imap.command("SELECT INBOX")).anyMatch(l -> l.equals("* 1 EXISTS")).last().asString().startsWith("a OK");
                assertThat(imap.command("FETCH 1 BODY[]")).anyMatch(l -> l.equals("Subject: por PostgreSQL")).last().asString().startsWith("a OK");
                assertThat(imap.command("UID STORE 1 +FLAGS (\\Seen $Label)")).last().asString().startsWith("a OK");
            }
            assertThat(pg.psql(db, "SELECT count(*) FROM messages WHERE flags != 0").strip()).isEqualTo("1");
        } finally {
            server.closeAndDelete();
        }
    }

    @Test
    void whilePostgreSqlIsDownSessionsSayTryLaterAndResumeWhenItIsBack() throws Exception {
        String db = pg.createDatabase();
        TestServer server = server(db);
        try (ImapDialog imap = ImapDialog.login(server)) {
            server.deliver(TestServer.USER, "Subject: before\r\n\r\n1\r\n");
            pg.stop();
            try {
                try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
                    assertThat(send(smtp, "Subject: during\r\n\r\n2\r\n")).startsWith("451 4.3.0");
                }
                assertThat(imap.command("SELECT INBOX")).last().asString().startsWith("a NO [UNAVAILABLE]");
                assertThat(imap.command("NOOP")).last().asString().startsWith("a OK");
            } finally {
                pg.startAgain();
            }
            // The pool reconnects by itself; on a loaded machine that can outlast store.timeout, and
            // meanwhile the answer is still "try later", never anything else.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
                    String reply = send(smtp, "Subject: after\r\n\r\n3\r\n");
                    assertThat(reply).matches("(250|451 4\\.3\\.0)[\\s\\S]*");
                    return reply.startsWith("250");
                }
            });
            assertThat(imap.command("SELECT INBOX")).anyMatch(l -> l.equals("* 2 EXISTS")).last().asString().startsWith("a OK");
            assertThat(imap.command("FETCH 1:* BODY[HEADER.FIELDS (SUBJECT)]"))
                    .anyMatch(l -> l.equals("Subject: before")).anyMatch(l -> l.equals("Subject: after")).noneMatch(l -> l.equals("Subject: during"));
        } finally {
            server.closeAndDelete();
        }
    }

    /**
     * Two nodes on one database: mail that arrives through node A wakes an IDLE on node B (PostgreSQL
     * LISTEN/NOTIFY carries the notice; without it B would hear nothing until the client asked).
     */
    @Test
    void anIdleOnOneNodeHearsOfMailThatArrivedThroughAnother() throws Exception {
        String db = pg.createDatabase();
        TestServer nodeA = server(db);
        TestServer nodeB = TestServer.start(java.nio.file.Files.createTempDirectory("node-b"), Map.of("store.url", pg.url(db),
                "store.user", PostgreSql.USER, "store.password", PostgreSql.PASSWORD), false);
        try (ImapDialog imap = ImapDialog.login(nodeB)) {
            assertThat(imap.command("SELECT INBOX")).anyMatch(l -> l.equals("* 0 EXISTS"));
            imap.send("IDLE");
            assertThat(imap.in().readLine()).startsWith("+ ");

            nodeA.deliver(TestServer.USER, "Subject: por el otro nodo\r\n\r\nHola.\r\n");

            imap.socket().setSoTimeout(20_000);
            assertThat(imap.in().readLine()).isEqualTo("* 1 EXISTS");
            imap.sendRaw("DONE");
        } finally {
            nodeB.closeAndDelete();
            nodeA.closeAndDelete();
        }
    }

    /**
     * A 1 MB message sent by SMTP to node A is read by IMAP (whole and a range) and POP3 from node B,
     * which has a data dir of its own: on PostgreSQL the large body is chunked into the database
     * (store.blobs defaults to "database"), not a file under A's blobs/ that B could not see.
     */
    @Test
    void aLargeMessageSentToOneNodeIsReadFromAnotherWithADifferentDataDir() throws Exception {
        String db = pg.createDatabase();
        TestServer nodeA = server(db);
        TestServer nodeB = TestServer.start(java.nio.file.Files.createTempDirectory("node-b"), Map.of("store.url", pg.url(db),
                "store.user", PostgreSql.USER, "store.password", PostgreSql.PASSWORD), false);
        try {
            StringBuilder body = new StringBuilder();
            java.util.Random random = new java.util.Random(14);
            while (body.length() < 1024 * 1024) {
                byte[] line = new byte[57];
                random.nextBytes(line);
                body.append(java.util.Base64.getEncoder().encodeToString(line)).append("\r\n");
            }
            String text = body.toString();
            nodeA.deliver(TestServer.USER, "Subject: grande\r\nContent-Transfer-Encoding: base64\r\n\r\n" + text);

            assertThat(pg.psql(db, "SELECT count(*) FROM chunked_blobs").strip()).isEqualTo("1");
            assertThat(pg.psql(db, "SELECT count(*) FROM blob_chunks").strip()).isEqualTo("5");
            assertThat(nodeA.dataDir().resolve("blobs")).doesNotExist();
            try (ImapDialog imap = ImapDialog.login(nodeB)) {
                assertThat(imap.command("SELECT INBOX")).anyMatch(l -> l.equals("* 1 EXISTS"));
                assertThat(literal(imap.command("FETCH 1 BODY[TEXT]"))).isEqualTo(text);
                assertThat(literal(imap.command("FETCH 1 BODY.PEEK[TEXT]<700000.1000>"))).isEqualTo(text.substring(700000, 701000));
            }
            try (Socket pop = new Socket("127.0.0.1", nodeB.port("pop3"))) {
                pop.setSoTimeout(30_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(pop.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = pop.getOutputStream();
                in.readLine();
                out.write(("USER " + TestServer.USER + "\r\nPASS " + TestServer.PASSWORD + "\r\nRETR 1\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(in.readLine()).startsWith("+OK");
                assertThat(in.readLine()).startsWith("+OK");
                assertThat(in.readLine()).startsWith("+OK");
                StringBuilder retrieved = new StringBuilder();
                for (String l = in.readLine(); !l.equals("."); l = in.readLine()) retrieved.append(l.startsWith(".") ? l.substring(1) : l).append("\r\n");
                assertThat(retrieved.toString()).endsWith("\r\n\r\n" + text);
            }
        } finally {
            nodeB.closeAndDelete();
            nodeA.closeAndDelete();
        }
    }

    /** The content of the one literal in a FETCH response, read as lines (the content is ASCII, so characters are octets). */
    private static String literal(List<String> response) {
        int at = 0;
        while (!response.get(at).matches(".*\\{\\d+}$")) at++;
        String header = response.get(at);
        int n = Integer.parseInt(header.substring(header.lastIndexOf('{') + 1, header.length() - 1));
        return String.join("\r\n", response.subList(at + 1, response.size())).substring(0, n);
    }

    /** The reply that ends a transaction, wherever it ends (RCPT looks the account up, the end of DATA stores). */
    private static String send(SmtpDialog smtp, String message) throws IOException {
        return smtp.send("pepe@pepito.es", TestServer.USER, message);
    }
}
