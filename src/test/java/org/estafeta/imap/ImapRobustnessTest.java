package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input that a transcript cannot express: a client vanishing inside a literal, random garbage. */
class ImapRobustnessTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(Map.of("limits.errors", "100000"));
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    private static final class Conn implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Conn(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
        }

        void send(String s) throws Exception {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Lines up to and including the tagged one. */
        String until(String tag) throws Exception {
            StringBuilder sb = new StringBuilder();
            String l;
            do {
                l = in.readLine();
                assertThat(l).as("server hung up after " + sb).isNotNull();
                sb.append(l).append('\n');
            } while (!l.startsWith(tag + " "));
            return l;
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void clientGoneInsideALiteralLeavesNothingBehind() throws Exception {
        try (Conn c = new Conn(server.port("imap"))) {
            c.send("a LOGIN " + TestServer.USER + " " + TestServer.PASSWORD + "\r\n");
            assertThat(c.until("a")).startsWith("a OK");
            c.send("b APPEND INBOX {100}\r\n");
            assertThat(c.in.readLine()).startsWith("+ ");
            c.send("only ten b");
        }
        try (Conn c = new Conn(server.port("imap"))) {
            c.send("a LOGIN " + TestServer.USER + " " + TestServer.PASSWORD + "\r\nb STATUS INBOX (MESSAGES)\r\n");
            c.until("a");
            assertThat(c.in.readLine()).isEqualTo("* STATUS \"INBOX\" (MESSAGES 0)");
            assertThat(c.until("b")).startsWith("b OK");
        }
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    @Test
    void randomGarbageNeverBreaksTheSession() throws Exception {
        Random random = new Random(4);
        String alphabet = "abcXYZ019 ()[]<>\"\\*%$:,.+-~\t\u00f1";
        String[] verbs = {"FETCH", "STORE", "SEARCH", "UID", "SELECT", "LIST", "STATUS", "APPEND", "COPY", "LOGIN", "X"};
        try (Conn c = new Conn(server.port("imap"))) {
            c.send("a LOGIN " + TestServer.USER + " " + TestServer.PASSWORD + "\r\n");
            c.until("a");
            c.send("s SELECT INBOX\r\n");
            c.until("s");
            for (int i = 0; i < 400; i++) {
                StringBuilder line = new StringBuilder("g" + i + " " + verbs[random.nextInt(verbs.length)] + " ");
                int n = random.nextInt(40);
                for (int k = 0; k < n; k++) line.append(alphabet.charAt(random.nextInt(alphabet.length())));
                c.send(line + "\r\n");
                String tagged = c.until("g" + i);
                assertThat(tagged).matches("g" + i + " (OK|NO|BAD) .*");
            }
            c.send("z NOOP\r\n");
            assertThat(c.until("z")).isEqualTo("z OK NOOP completed");
        }
    }
}
