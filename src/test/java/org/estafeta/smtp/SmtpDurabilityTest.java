package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/** What was answered 250 is on disk, whatever happens next; what could not be stored is refused with 451. */
class SmtpDurabilityTest {

    /**
     * Several clients send at once into a server in its own process; right after the last 250 the
     * process is killed with SIGKILL. After a restart every message that got a 250 is there.
     */
    @Test
    void acceptedMessagesSurviveKill9() throws Exception {
        Path data = Files.createTempDirectory("estafeta-kill");
        TestServer.start(data, Map.of(), true).close();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.estafeta.cli.Main", "--data", data.toString(), "serve", "--set", "ports.smtp=0", "--set", "ports.smtps=-1", "--set", "ports.submission=-1", "--set", "ports.pop3=-1", "--set", "ports.pop3s=-1",
                "--set", "server.hostname=" + TestServer.HOSTNAME)
                .redirectErrorStream(true).start();
        int port = smtpPort(server);
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 10; i++) {
                    String subject = "kill-" + client + "-" + i;
                    try (SmtpDialog smtp = SmtpDialog.connect(port)) {
                        if (smtp.send("pepe@pepito.es", TestServer.USER, "Subject: " + subject + "\r\n\r\nbody\r\n").startsWith("250")) {
                            accepted.add(subject);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }));
        }
        for (Thread t : clients) t.join();
        server.destroyForcibly();
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(accepted).hasSize(80);

        TestServer restarted = TestServer.start(data, Map.of(), false);
        try {
            List<String> inbox = restarted.inboxText(TestServer.USER);
            for (String subject : accepted) assertThat(inbox).anyMatch(m -> m.contains("Subject: " + subject + "\r\n"));
            assertThat(inbox).hasSize(80);
        } finally {
            restarted.closeAndDelete();
        }
    }

    private static int smtpPort(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Pattern p = Pattern.compile("^\\s+smtp\\s+port (\\d+)$");
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = p.matcher(line);
            if (m.matches()) {
                Thread.ofVirtual().start(() -> drain(out));
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("server did not start:\n" + seen);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe from filling up
            }
        } catch (IOException ignored) {
            // the process was killed
        }
    }

    /** The blob store cannot create files: 451 4.3.0, the session goes on, nothing is stored. */
    @Test
    void diskErrorIsTemporaryFailure() throws Exception {
        TestServer server = TestServer.start();
        try {
            Path tmp = server.dataDir().resolve("blobs/tmp");
            Files.delete(tmp);
            Files.writeString(tmp, "not a directory");
            try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
                assertThat(smtp.send("pepe@pepito.es", TestServer.USER, "Subject: lost\r\n\r\nx\r\n"))
                        .isEqualTo("451 4.3.0 Error: local error in processing, try again later");
                assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            }
            assertThat(server.inbox(TestServer.USER)).isEmpty();
        } finally {
            server.closeAndDelete();
        }
    }

    /**
     * The database refuses the second recipient's row: 451 4.3.0, and the first recipient does not
     * have the message either (one transaction for all recipients).
     */
    @Test
    void databaseErrorDeliversToNobody() throws Exception {
        TestServer server = TestServer.start();
        try {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("estafeta.db"));
                 Statement s = c.createStatement()) {
                s.execute("CREATE TRIGGER fail_pepe BEFORE INSERT ON messages WHEN NEW.mailbox_id IN "
                        + "(SELECT m.id FROM mailboxes m JOIN accounts a ON a.id = m.account_id WHERE a.address = 'pepe@servidor.es')"
                        + " BEGIN SELECT RAISE(ABORT, 'simulated failure'); END");
            }
            try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
                assertThat(smtp.send("pepe@pepito.es", List.of(TestServer.USER, TestServer.OTHER_USER), "Subject: x\r\n\r\nx\r\n"))
                        .isEqualTo("451 4.3.0 Error: local error in processing, try again later");
                assertThat(smtp.send("pepe@pepito.es", TestServer.USER, "Subject: y\r\n\r\ny\r\n")).startsWith("250 2.0.0 Ok");
            }
            assertThat(server.inboxText(TestServer.USER)).hasSize(1).allMatch(m -> m.contains("Subject: y"));
            assertThat(server.inbox(TestServer.OTHER_USER)).isEmpty();
        } finally {
            server.closeAndDelete();
        }
    }
}
