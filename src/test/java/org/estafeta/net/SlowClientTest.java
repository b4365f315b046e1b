package org.estafeta.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.estafeta.testing.ImapDialog;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.Trickle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: a client that sends one byte just before each idle timeout would hold a command line, a
 * message body or a TLS handshake (and its per-address connection slot) forever. Every one has a
 * deadline of its own. The settings are scaled down to seconds; the client trickles faster than the
 * idle timeout, so only the new deadlines can end it.
 */
class SlowClientTest {

    /** Idle 2 s, one command line 3 s, TLS handshake 3 s, DATA at least 100 octets/s after 3 s. */
    private static final Map<String, String> SCALED = Map.of("limits.idle_timeout", "2", "imap.idle_timeout", "2",
            "limits.command_timeout", "3", "limits.tls_handshake_timeout", "3", "limits.min_data_rate", "100");

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.closeAndDelete();
    }

    @Test
    void smtpCommandLineTrickledIsCutOffAtItsDeadline() throws Exception {
        server = TestServer.start(SCALED);
        try (Socket s = connect("smtp")) {
            BufferedReader in = reader(s);
            assertThat(in.readLine()).startsWith("220 ");
            Trickle t = Trickle.start(s, "NOOP ".repeat(100), Duration.ofMillis(700));
            long start = System.nanoTime();
            assertThat(in.readLine()).startsWith("421 4.4.2 ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            assertThat(in.readLine()).as("the connection is closed").isNull();
            t.stop();
        }
    }

    @Test
    void smtpDataBelowTheMinimumRateIsCutOff() throws Exception {
        server = TestServer.start(SCALED);
        try (Socket s = connect("smtp")) {
            BufferedReader in = reader(s);
            OutputStream out = s.getOutputStream();
            in.readLine();
            for (String c : new String[] {"HELO client.example", "MAIL FROM:<pepe@pepito.es>", "RCPT TO:<" + TestServer.USER + ">", "DATA"}) {
                out.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(in.readLine()).matches("(250|354) .*");
            }
            // Whole lines, each quickly, but the body as a whole far below 100 octets/s.
            Trickle t = Trickle.start(s, "x\r\n".repeat(1000), Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThat(in.readLine()).startsWith("421 4.4.2 ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            t.stop();
        }
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    @Test
    void imapCommandLineTrickledIsCutOff() throws Exception {
        server = TestServer.start(SCALED);
        try (Socket s = connect("imap")) {
            BufferedReader in = reader(s);
            assertThat(in.readLine()).startsWith("* OK ");
            Trickle t = Trickle.start(s, "a NOOP ".repeat(100), Duration.ofMillis(700));
            assertThat(in.readLine()).startsWith("* BYE ");
            t.stop();
        }
    }

    @Test
    void pop3CommandLineTrickledIsCutOff() throws Exception {
        server = TestServer.start(SCALED);
        try (Socket s = connect("pop3")) {
            BufferedReader in = reader(s);
            assertThat(in.readLine()).startsWith("+OK ");
            Trickle t = Trickle.start(s, "NOOP ".repeat(100), Duration.ofMillis(700));
            long start = System.nanoTime();
            assertThat(in.readLine()).startsWith("-ERR ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            assertThat(in.readLine()).as("the connection is closed").isNull();
            t.stop();
        }
    }

    @Test
    void imapLiteralBelowTheMinimumRateIsCutOff() throws Exception {
        server = TestServer.start(SCALED);
        try (ImapDialog imap = ImapDialog.login(connect("imap"), TestServer.USER, TestServer.PASSWORD)) {
            imap.send("APPEND INBOX {1000}");
            assertThat(imap.in().readLine()).startsWith("+ ");
            // About 3 octets/s, far below 100, each octet well within the idle timeout.
            Trickle t = Trickle.start(imap.socket(), "x".repeat(1000), Duration.ofMillis(300));
            long start = System.nanoTime();
            assertThat(imap.in().readLine()).startsWith("* BYE ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            assertThat(imap.in().readLine()).as("the connection is closed").isNull();
            t.stop();
        }
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    @Test
    void tlsHandshakeTrickledIsCutOff() throws Exception {
        server = TestServer.start(SCALED);
        try (Socket s = connect("smtps")) {
            // The start of a TLS 1.2 ClientHello record, one byte at a time: it never completes.
            String hello = "\u0016\u0003\u0001\u0200\u0001\u0000\u01fc\u0003\u0003" + "r".repeat(500);
            Trickle t = Trickle.start(s, hello, Duration.ofMillis(700));
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).as("the server hangs up").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
            t.stop();
        } catch (java.net.SocketException reset) {
            // a reset is as good as a close
        }
    }

    private Socket connect(String listener) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port(listener));
        s.setSoTimeout(20_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }
}
