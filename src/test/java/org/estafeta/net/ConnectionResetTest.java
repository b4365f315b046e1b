package org.estafeta.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.LogCapture;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The third way a session fails: the socket breaks. A client resets its connection (SO_LINGER 0, so
 * a TCP RST) in the middle of a command line, a message body, a literal or a download. The session
 * ends quietly — its end is logged at INFO like any other, nothing at WARN or ERROR — nothing half
 * received is stored, nothing half done (a POP3 DELE) is applied, and the listener goes on serving.
 */
class ConnectionResetTest {

    private TestServer server;
    @RegisterExtension
    final LogCapture log = new LogCapture();

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    @Test
    void smtpResetInACommandLineAndInDataEndsQuietlyAndStoresNothing() throws Exception {
        try (Raw smtp = new Raw(server.port("smtp"))) {
            smtp.expect("220 ");
            smtp.send("EHLO client.example\r\nMAIL FROM:<pepe@pep");
            smtp.reset();
        }
        sessionEnded("smtp");
        try (Raw smtp = new Raw(server.port("smtp"))) {
            smtp.expect("220 ");
            smtp.send("HELO client.example\r\n");
            smtp.expect("250 ");
            smtp.send("MAIL FROM:<pepe@pepito.es>\r\n");
            smtp.expect("250 ");
            smtp.send("RCPT TO:<" + TestServer.USER + ">\r\n");
            smtp.expect("250 ");
            smtp.send("DATA\r\n");
            smtp.expect("354 ");
            smtp.send("Subject: a medias\r\n\r\n" + "la mitad de un mensaje\r\n".repeat(2000));
            smtp.reset();
        }
        sessionEnded("smtp");
        assertThat(server.inbox(TestServer.USER)).isEmpty();
        stillServes();
    }

    @Test
    void imapResetInACommandLineALiteralIdleAndAFetchEndsQuietlyAndStoresNothing() throws Exception {
        long blobsBefore = files(server.dataDir());
        try (Raw imap = imapWithInboxSelected()) {
            imap.send("c STATUS INB");
            imap.reset();
        }
        sessionEnded("imap");
        try (Raw imap = imapLoggedIn()) {
            imap.send("b APPEND INBOX {200000}\r\n");
            imap.expect("+ ");
            imap.send("Subject: a medias\r\n\r\n" + "x".repeat(100_000));
            imap.reset();
        }
        sessionEnded("imap");
        assertThat(server.inbox(TestServer.USER)).isEmpty();
        assertThat(files(server.dataDir())).as("no half-written file is left behind").isEqualTo(blobsBefore);
        // And while the session waits in IDLE for news.
        try (Raw imap = imapWithInboxSelected()) {
            imap.send("c IDLE\r\n");
            imap.expect("+ ");
            imap.reset();
        }
        sessionEnded("imap");
        // And while the server writes: a FETCH of a few megabytes, none of it read.
        server.deliver(TestServer.USER, "Subject: grande\r\n\r\n" + "una línea larga de un mensaje grande\r\n".repeat(100_000));
        try (Raw imap = imapWithInboxSelected()) {
            imap.send("c FETCH 1 BODY[]\r\n");
            imap.expect("* 1 FETCH");
            imap.reset();
        }
        sessionEnded("imap");
        stillServes();
    }

    @Test
    void pop3ResetInACommandLineAndInADownloadEndsQuietlyAndDeletesNothing() throws Exception {
        server.deliver(TestServer.USER, "Subject: uno\r\n\r\nprimero\r\n");
        server.deliver(TestServer.USER, "Subject: dos\r\n\r\n" + "una línea larga de un mensaje grande\r\n".repeat(100_000));
        try (Raw pop = new Raw(server.port("pop3"))) {
            pop.expect("+OK");
            pop.send("USER " + TestServer.USER + "\r\nPA");
            pop.reset();
        }
        sessionEnded("pop3");
        try (Raw pop = new Raw(server.port("pop3"))) {
            pop.expect("+OK");
            pop.send("USER " + TestServer.USER + "\r\n");
            pop.expect("+OK");
            pop.send("PASS " + TestServer.PASSWORD + "\r\n");
            pop.expect("+OK");
            pop.send("DELE 1\r\n");
            pop.expect("+OK");
            // A few megabytes to send, none read: the server is writing when the reset arrives.
            pop.send("RETR 2\r\n");
            pop.expect("+OK");
            pop.reset();
        }
        sessionEnded("pop3");
        try (Raw pop = new Raw(server.port("pop3"))) {
            pop.expect("+OK");
            pop.send("USER " + TestServer.USER + "\r\n");
            pop.expect("+OK");
            pop.send("PASS " + TestServer.PASSWORD + "\r\n");
            pop.expect("+OK");
            pop.send("STAT\r\n");
            assertThat(pop.line()).as("the DELE was not applied, the maildrop lock let go").startsWith("+OK 2 ");
            pop.send("QUIT\r\n");
            pop.expect("+OK");
        }
        stillServes();
    }

    /** The reset session's end was logged at INFO (the session's own line, "end=..."), and nothing above INFO at all; the session's connection is gone. */
    private void sessionEnded(String protocol) {
        await().atMost(Duration.ofSeconds(20)).until(() -> log.events().stream().anyMatch(e -> isEnd(e, protocol)));
        await().atMost(Duration.ofSeconds(20)).until(() -> server.server().listeners().stream()
                .filter(l -> l.protocolName().equals(protocol)).mapToInt(Listener::openConnections).sum() == 0);
        assertThat(log.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).map(ILoggingEvent::getFormattedMessage))
                .as("nothing logged above INFO").isEmpty();
        log.forget(e -> isEnd(e, protocol));
    }

    private static boolean isEnd(ILoggingEvent e, String protocol) {
        // "imap 127.0.0.1 session 1a2b3c4d ... end=...": every protocol names the session, as its other lines do.
        return e.getLevel() == Level.INFO && e.getFormattedMessage().matches(protocol + " \\S+ session [0-9a-f]+ .* end=.*");
    }

    private Raw imapLoggedIn() throws IOException {
        Raw imap = new Raw(server.port("imap"));
        imap.expect("* OK");
        imap.send("a LOGIN " + TestServer.USER + " \"" + TestServer.PASSWORD + "\"\r\n");
        imap.expect("a OK");
        return imap;
    }

    private Raw imapWithInboxSelected() throws IOException {
        Raw imap = imapLoggedIn();
        imap.send("b SELECT INBOX\r\n");
        imap.expect("b OK");
        return imap;
    }

    /** A whole SMTP delivery and an IMAP login still work. */
    private void stillServes() throws IOException {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send("pepe@pepito.es", TestServer.OTHER_USER, "Subject: entero\r\n\r\nbien\r\n")).startsWith("250 ");
        }
        imapLoggedIn().close();
    }

    private static long files(Path dataDir) throws IOException {
        try (Stream<Path> all = Files.walk(dataDir)) {
            return all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("estafeta.db")).count();
        }
    }

    /** A raw client that can end its connection with a reset instead of a close. */
    private static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String line() throws IOException {
            String l = in.readLine();
            if (l == null) throw new IOException("server closed the connection");
            return l;
        }

        /** Reads lines until one starts with {@code prefix} (skipping EHLO's and untagged ones). */
        void expect(String prefix) throws IOException {
            List<String> seen = new java.util.ArrayList<>();
            String l;
            do {
                l = line();
                seen.add(l);
                if (seen.size() > 50) throw new IOException("no " + prefix + " in " + seen);
            } while (!l.startsWith(prefix) || (l.length() > 3 && l.charAt(3) == '-'));
        }

        /** SO_LINGER 0: the close sends a TCP RST, what a crashed client or a dropped NAT mapping looks like. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
