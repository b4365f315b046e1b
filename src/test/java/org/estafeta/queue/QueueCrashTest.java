package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.testing.ServerProcess;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestDns;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/** The queue lives in the store: a sender killed with SIGKILL delivers everything it accepted, once, after restart. */
class QueueCrashTest {

    @Test
    void killedSenderDeliversEveryQueuedMessageOnceAfterRestart() throws Exception {
        int receiverPort;
        try (ServerSocket reserve = new ServerSocket(0)) {
            receiverPort = reserve.getLocalPort();
        }
        try (TestDns dns = new TestDns().add("destino.es. 60 IN MX 10 mx.destino.es.").add("mx.destino.es. 60 IN A 127.0.0.1")) {
            Map<String, String> sender = Map.of("dns.servers", dns.address(), "queue.remote_port", String.valueOf(receiverPort),
                    "queue.retry_schedule", "1s", "queue.poll_interval", "1s", "queue.connect_timeout", "2s");
            Path data = Files.createTempDirectory("estafeta-queue-kill");
            TestServer.start(data, Map.of(), true).close();
            ServerProcess a = ServerProcess.start(data, sender);
            Set<String> subjects = new HashSet<>();
            try (SmtpDialog smtp = SmtpDialog.connect(a.smtpPort())) {
                for (int i = 0; i < 20; i++) {
                    String subject = "queued-" + i;
                    assertThat(smtp.send(TestServer.USER, "ana@destino.es", "Subject: " + subject + "\r\n\r\nx\r\n")).startsWith("250");
                    subjects.add(subject);
                }
            }
            // The receiver is down: everything waits in the queue when the sender dies.
            a.kill9();

            TestServer b = TestServer.start(Map.of("server.hostname", "mx.destino.es", "server.domains", "destino.es,servidor.es",
                    "ports.smtp", String.valueOf(receiverPort)));
            b.server().storage().accounts().addAccount("ana@destino.es", new PasswordHasher().hash("x"), false);
            Map<String, String> restarted = new java.util.HashMap<>(sender);
            TestServer again = TestServer.start(data, restarted, false);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox("ana@destino.es").size() >= 20);
                await().atMost(Duration.ofSeconds(20)).until(() -> again.server().storage().queue().list().isEmpty());
                Thread.sleep(2000);
                var delivered = b.inboxText("ana@destino.es");
                assertThat(delivered).hasSize(20);
                for (String subject : subjects) assertThat(delivered).filteredOn(m -> m.contains("Subject: " + subject + "\r\n")).hasSize(1);
            } finally {
                again.closeAndDelete();
                b.closeAndDelete();
            }
        }
    }
}
