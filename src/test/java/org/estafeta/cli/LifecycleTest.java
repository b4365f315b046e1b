package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.estafeta.testing.ServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's life as an operator (or systemd) drives it, on a real process: SIGTERM stops it
 * gracefully (a DATA under way is finished and stored, new commands get 421 4.3.2, IMAP hears BYE,
 * POP3 -ERR [SYS/TEMP], ManageSieve BYE (TRYLATER)); SIGHUP and 'estafeta reload' read the configuration again with sessions open.
 */
class LifecycleTest {

    private static final String USER = "usuario@localhost";
    private static final String PASSWORD = "contraseña-larga";

    @TempDir
    Path data;
    private ServerProcess server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) server.kill9();
    }

    /** A line-oriented client on a raw socket: the dialogue is the test. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(int port) throws IOException {
            this(new Socket("127.0.0.1", port));
        }

        Client(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(30_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends a line, returns the reply's last line (SMTP multi-line replies are read through). */
        String command(String line) throws IOException {
            send(line + "\r\n");
            return reply();
        }

        String reply() throws IOException {
            String l = in.readLine();
            while (l != null && l.length() > 3 && l.charAt(3) == '-') l = in.readLine();
            return l;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void sigtermLetsARunningDataFinishAndAnswersEveryoneElse() throws Exception {
        assertThat(CliRun.run(data, PASSWORD + "\n", "user", "add", USER, "--password-stdin").code()).isZero();
        server = ServerProcess.start(data, Map.of("ports.imap", "0", "ports.imaps", "0", "ports.pop3", "0", "server.shutdown_timeout", "60"));
        try (Client smtp = new Client(server.smtpPort()); Client imap = new Client(server.port("imap")); Client pop3 = new Client(server.port("pop3"));
             Client imaps = new Client(org.estafeta.testing.TrustAll.context().getSocketFactory().createSocket("127.0.0.1", server.port("imaps")))) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.command("EHLO client.example")).startsWith("250 ");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<" + USER + ">")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            smtp.send("Subject: sent across a SIGTERM\r\n\r\nThe first half, before the signal.\r\n");
            assertThat(imap.in.readLine()).startsWith("* OK");
            assertThat(imap.command("a1 LOGIN " + USER + " " + PASSWORD)).startsWith("a1 OK");
            assertThat(imaps.in.readLine()).startsWith("* OK");
            assertThat(imaps.command("b1 NOOP")).startsWith("b1 OK");
            assertThat(pop3.reply()).startsWith("+OK");
            assertThat(pop3.command("USER " + USER)).startsWith("+OK");
            assertThat(pop3.command("PASS " + PASSWORD)).startsWith("+OK");

            server.signal("TERM");

            // RFC 9051 §7.1.5: IMAP is told at once, unasked.
            assertThat(imap.in.readLine()).startsWith("* BYE [UNAVAILABLE]").contains("shutting down");
            assertThat(imap.in.readLine()).as("then closed").isNull();
            // Over TLS too: the BYE is written while the session's thread is blocked reading.
            assertThat(imaps.in.readLine()).startsWith("* BYE [UNAVAILABLE]");
            // No new connections.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket("127.0.0.1", server.smtpPort()).close()).isInstanceOf(ConnectException.class));
            // The DATA under way finishes and is stored; the next command is 421 4.3.2 (RFC 5321 §3.8, RFC 3463).
            smtp.send("The second half, after the signal.\r\n.\r\n");
            assertThat(smtp.reply()).startsWith("250 ");
            assertThat(smtp.command("NOOP")).startsWith("421 4.3.2");
            // POP3 has no unsolicited replies: its next command is answered (RFC 3206 SYS/TEMP), nothing deleted.
            assertThat(pop3.command("STAT")).startsWith("-ERR [SYS/TEMP]");
        }
        assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code after SIGTERM").isIn(0, 143);
        server = null;
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("estafeta.db"));
             ResultSet rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM messages")) {
            assertThat(rs.getInt(1)).as("the message whose DATA spanned the SIGTERM").isEqualTo(1);
        }
    }

    @Test
    void sigtermEndsManageSieveWithByeTryLaterAfterTheUploadUnderWay() throws Exception {
        assertThat(CliRun.run(data, PASSWORD + "\n", "user", "add", USER, "--password-stdin").code()).isZero();
        server = ServerProcess.start(data, Map.of("ports.managesieve", "0", "server.shutdown_timeout", "60"));
        String plain = java.util.Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        String script = "require \"fileinto\";\r\nfileinto \"Work\";\r\n";
        try (Client idle = new Client(server.port("managesieve")); Client uploading = new Client(server.port("managesieve"))) {
            for (Client c : java.util.List.of(idle, uploading)) {
                assertThat(greeting(c)).isEqualTo("OK \"Estafeta ManageSieve ready\"");
                assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain + "\"")).startsWith("OK");
            }
            // Half of a PUTSCRIPT literal before the signal, the rest after it.
            int length = script.getBytes(StandardCharsets.UTF_8).length;
            uploading.send("PUTSCRIPT \"work\" {" + length + "+}\r\n" + script.substring(0, 10));

            server.signal("TERM");

            // RFC 5804 §1.3: the idle session is told at once, with TRYLATER, and closed.
            assertThat(idle.in.readLine()).startsWith("BYE (TRYLATER)").contains("shutting down");
            assertThat(idle.in.readLine()).as("then closed").isNull();
            // The upload under way finishes and is stored; then the BYE, unasked, and the close.
            uploading.send(script.substring(10) + "\r\n");
            assertThat(uploading.in.readLine()).isEqualTo("OK \"Script stored\"");
            assertThat(uploading.in.readLine()).startsWith("BYE (TRYLATER)");
            assertThat(uploading.in.readLine()).isNull();
        }
        assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code after SIGTERM").isIn(0, 143);
        server = null;
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("estafeta.db"));
             ResultSet rs = db.createStatement().executeQuery("SELECT content FROM sieve_scripts WHERE name = 'work'")) {
            assertThat(rs.next()).as("the script whose upload spanned the SIGTERM").isTrue();
            assertThat(rs.getString(1)).isEqualTo(script);
        }
    }

    /** ManageSieve's greeting: the capability lines, then the OK. */
    private static String greeting(Client c) throws IOException {
        String line = c.in.readLine();
        while (line != null && line.startsWith("\"")) line = c.in.readLine();
        return line;
    }

    @Test
    void sighupChangesALimitForNewSessionsAndOpenSessionsSurvive() throws Exception {
        Path toml = data.resolve("estafeta.toml");
        Files.createDirectories(data);
        Files.writeString(toml, "[limits]\nmessage_size = 100000\n");
        server = ServerProcess.start(data, Map.of());
        try (Client before = new Client(server.smtpPort())) {
            assertThat(before.reply()).startsWith("220 ");
            assertThat(ehlo(before)).contains("250-SIZE 100000");
            Files.writeString(toml, "[limits]\nmessage_size = 200000\n[queue]\nconcurrency = 5\n");

            server.signal("HUP");

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (Client after = new Client(server.smtpPort())) {
                    assertThat(after.reply()).startsWith("220 ");
                    assertThat(ehlo(after)).contains("250-SIZE 200000");
                }
            });
            // The reload logs after applying, and the log reaches us through a pipe: wait for it too.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.output())
                    .anyMatch(l -> l.contains("reload: applied: limits.message_size"))
                    .anyMatch(l -> l.contains("reload: needs a restart: queue.concurrency")));
            // The open session was not dropped, and keeps the settings it started with.
            assertThat(before.command("NOOP")).startsWith("250 ");
            assertThat(ehlo(before)).contains("250-SIZE 100000");

            // The same through the control socket; a key that needs a restart is reported until then.
            CliRun reload = CliRun.run(data, "", "reload");
            assertThat(reload.code()).as(reload.err()).isZero();
            assertThat(reload.out()).contains("needs a restart: queue.concurrency").doesNotContain("limits.message_size");
            Files.writeString(toml, "[limits]\nmessage_size = 10\n");
            CliRun bad = CliRun.run(data, "", "reload");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.out()).contains("error: ").contains("limits.message_size").contains("nothing changed");
            assertThat(before.command("NOOP")).startsWith("250 ");
        }
    }

    private static String ehlo(Client c) throws IOException {
        c.send("EHLO client.example\r\n");
        StringBuilder all = new StringBuilder();
        for (String l = c.in.readLine(); l != null; l = c.in.readLine()) {
            all.append(l).append('\n');
            if (l.startsWith("250 ")) break;
        }
        return all.toString();
    }
}
