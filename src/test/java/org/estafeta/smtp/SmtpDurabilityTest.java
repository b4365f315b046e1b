package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.estafeta.testing.ServerProcess;
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
        ServerProcess server = ServerProcess.start(data, Map.of());
        int port = server.smtpPort();
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
        server.kill9();
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

    /**
     * The blob store cannot create files: 451 4.3.0, the session goes on, nothing is stored. (A message
     * larger than {@code store.inline_blob_size}: smaller ones are kept inside the database.)
     */
    @Test
    void diskErrorIsTemporaryFailure() throws Exception {
        TestServer server = TestServer.start();
        try {
            Path tmp = server.dataDir().resolve("blobs/tmp");
            Files.delete(tmp);
            Files.writeString(tmp, "not a directory");
            try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
                assertThat(smtp.send("pepe@pepito.es", TestServer.USER, "Subject: lost\r\n\r\n" + "x".repeat(76).concat("\r\n").repeat(1000)))
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
