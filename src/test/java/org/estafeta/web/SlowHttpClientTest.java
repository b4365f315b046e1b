package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.Trickle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slowloris on the web ports: Jetty's idle timeout (30 s) is per read, so header bytes sent every
 * 700 ms would hold a connection forever. One request's headers get {@code limits.command_timeout}
 * (scaled to 3 s here), counted from the connection's opening or the previous response.
 */
class SlowHttpClientTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("limits.command_timeout", "3"));
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    @Test
    void headersTrickledAreCutOffAtTheDeadline() throws Exception {
        try (Socket s = connect(server.server().web().port())) {
            Trickle t = Trickle.start(s, "GET /login HTTP/1.1\r\nHost: localhost\r\n" + "X-Slow: " + "a".repeat(500), Duration.ofMillis(700));
            long start = System.nanoTime();
            assertThat(readToEnd(s.getInputStream())).as("nothing answered, the connection closed").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            t.stop();
        }
    }

    @Test
    void keptAliveConnectionGetsTheDeadlineAfterEachResponse() throws Exception {
        try (Socket s = connect(server.server().web().port())) {
            // Each request sent whole, 2 s apart: more than 3 s in all, yet each within its own deadline.
            for (int i = 0; i < 3; i++) {
                if (i > 0) Thread.sleep(2000);
                s.getOutputStream().write("HEAD /login HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200 ");
            }
            long start = System.nanoTime();
            Trickle t = Trickle.start(s, "HEAD /login HTTP/1.1\r\nHost: localhost\r\n" + "X-Slow: " + "a".repeat(500), Duration.ofMillis(700));
            assertThat(readToEnd(s.getInputStream())).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            t.stop();
        }
    }

    @Test
    void tlsHandshakeTrickledIsCutOff() throws Exception {
        try (Socket s = connect(server.server().web().tlsPort())) {
            // The start of a TLS 1.2 ClientHello record, one byte at a time: it never completes.
            Trickle t = Trickle.start(s, "\u0016\u0003\u0001\u0200\u0001\u0000\u01fc\u0003\u0003" + "r".repeat(500), Duration.ofMillis(700));
            long start = System.nanoTime();
            readToEnd(s.getInputStream());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            t.stop();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        return s;
    }

    /** A response's status line and header fields (a HEAD response has no body). */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed after " + head);
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything until the server closes (a reset counts as a close). */
    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (SocketException reset) {
            // as good as a close
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
