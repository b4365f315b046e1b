package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.ServerProcess;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/** APPEND answers OK only once the message is durable, as SMTP answers 250: a SIGKILL loses nothing acknowledged. */
class ImapDurabilityTest {

    private static final Pattern APPENDUID = Pattern.compile("^a\\d+ OK \\[APPENDUID \\d+ (\\d+)] APPEND completed$");

    @Test
    void appendedMessagesSurviveKill9() throws Exception {
        Path data = Files.createTempDirectory("estafeta-imap-kill");
        TestServer.start(data, Map.of(), true).close();
        int imapPort;
        try (ServerSocket free = new ServerSocket(0)) {
            imapPort = free.getLocalPort();
        }
        ServerProcess server = ServerProcess.start(data, Map.of("ports.imap", String.valueOf(imapPort)));
        // UID -> content of every APPEND that was answered OK.
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                try (Socket s = new Socket("127.0.0.1", imapPort)) {
                    s.setSoTimeout(20_000);
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    in.readLine();
                    out.write(("l LOGIN " + TestServer.USER + " \"" + TestServer.PASSWORD + "\"\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    while (!in.readLine().startsWith("l OK")) {
                        // capability lines
                    }
                    for (int i = 0; i < 15; i++) {
                        String message = "Subject: kill-" + client + "-" + i + "\r\n\r\nbody " + "x".repeat(i * 100) + "\r\n";
                        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                        out.write(("a" + i + " APPEND INBOX {" + bytes.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(bytes);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        String line;
                        do {
                            line = in.readLine();
                        } while (line != null && line.startsWith("* "));
                        Matcher m = line == null ? null : APPENDUID.matcher(line);
                        if (m != null && m.matches()) acknowledged.put(Long.parseLong(m.group(1)), message);
                    }
                } catch (Exception e) {
                    // the kill below may cut a client off; what it had acknowledged is recorded already
                }
            }));
        }
        for (Thread t : clients) t.join();
        server.kill9();
        assertThat(acknowledged).hasSize(90);

        TestServer restarted = TestServer.start(data, Map.of(), false);
        try {
            var storage = restarted.server().storage();
            long account = storage.accounts().account(TestServer.USER).orElseThrow().id();
            Mailbox inbox = storage.mailboxes().mailbox(account, "INBOX").orElseThrow();
            List<MessageInfo> stored = storage.messages().list(inbox.id());
            assertThat(stored).hasSize(90);
            for (MessageInfo m : stored) {
                try (var blob = storage.blobs().open(m.blob())) {
                    assertThat(new String(blob.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(acknowledged.get(m.uid()));
                }
            }
        } finally {
            restarted.closeAndDelete();
        }
    }
}
