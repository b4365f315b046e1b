package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.estafeta.app.Storage;
import org.estafeta.auth.AuthSettings;
import org.estafeta.auth.Authenticator;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.config.Config;
import org.estafeta.config.ConfigLoader;
import org.estafeta.net.Connection;
import org.estafeta.net.Deadlines;
import org.estafeta.store.Credentials;
import org.estafeta.store.Quota;
import org.estafeta.testing.ByteSocket;

/**
 * Any command (any command name, arguments, literals, pipelined lines) from a logged-in client with
 * INBOX selected, run by the real session against a real store, whole: the reader, each handler's
 * parsing and its action. Properties: no command ends in NO [SERVERBUG] (an exception where there
 * should have been a reply); every response line ends in CRLF, with no bare CR or LF outside a
 * literal whose count is right; and the session goes on (the next command is answered OK) unless the
 * client logged out or was told BYE. The account is replaced every few thousand runs so that what
 * the fuzzer appends does not pile up.
 */
class ImapCommandFuzzTest {

    private static final String PASSWORD = "fuzz-pw";
    private static final String MESSAGE = "From: Ana <ana@fuzz.test>\r\nTo: b@fuzz.test, \"Grupo\": c@fuzz.test;\r\n"
            + "Subject: =?utf-8?q?hola?=\r\nDate: Mon, 30 Nov 2026 20:00:00 +0100\r\nMessage-ID: <1@fuzz.test>\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nuno\r\n"
            + "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: dentro\r\n\r\ndos\r\n--b--\r\n";
    private static final ImapServer SERVER;
    private static final Storage STORAGE;
    private static int runs;
    /** Commands after which the session is not where the next input expects it (logged in, INBOX selected, nothing enabled). */
    private static final java.util.List<String> SESSION_VERBS = java.util.List.of("SELECT", "EXAMINE", "CLOSE", "ENABLE", "STARTTLS", "COMPRESS", "NOTIFY");
    private static final LiveSession LIVE = new LiveSession();
    /**
     * Made once: every account of the run shares the hash, so its Argon2id and SCRAM's PBKDF2 are paid
     * once (the verified-password cache and the SCRAM renewal know it) instead of once per new account
     * (JFR: a tenth of a run's samples).
     */
    private static final Credentials CREDENTIALS = new PasswordHasher().credentials(PASSWORD);
    private static String user;

    private static final ch.qos.logback.classic.Level LOG_LEVEL_BEFORE = org.estafeta.testing.QuietLogs.off();

    @org.junit.jupiter.api.AfterAll
    static void restoreLogging() {
        org.estafeta.testing.QuietLogs.restore(LOG_LEVEL_BEFORE);
    }

    static {
        try {
            // In memory where there is /dev/shm: every STORE, APPEND and EXPUNGE fsyncs, which a disk makes 100 times slower.
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "imap-fuzz") : Files.createTempDirectory("imap-fuzz");
            Config config = ConfigLoader.load(dir, null, Map.of("server.hostname", "fuzz.test",
                    "server.domains", "fuzz.test", "auth.max_failures", "0", "net.lenient_networks", "127.0.0.0/8"), 0);
            STORAGE = Storage.open(config);
            Authenticator auth = new Authenticator(STORAGE.accounts(), new PasswordHasher(), AuthSettings.from(config));
            SERVER = new ImapServer("imap", ImapSettings.from(config, null), auth, STORAGE.mailboxes(), STORAGE.messages(),
                    STORAGE.blobs(), STORAGE.events(), new Quota(STORAGE.mailboxes(), STORAGE.accounts(), 0),
                    org.estafeta.app.MailServer.inbound(config, STORAGE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void commands(byte[] command) throws Exception {
        if (runs++ % 5000 == 0) {
            newAccount();
            LIVE.end();
        }
        String text = new String(command, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        boolean takesNextLine = text.contains("IDLE") || text.contains("AUTHENTICATE") || text.contains("{")
                || text.contains("LOGOUT") || text.contains("\n") || text.contains("\r");
        boolean changesSession = takesNextLine || SESSION_VERBS.stream().anyMatch(text::contains);
        String out;
        String noop = "z8";
        if (changesSession) {
            // A session of its own, from LOGIN to LOGOUT, so that no later input starts where this one left it.
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            in.writeBytes(("p1 LOGIN " + user + " " + PASSWORD + "\r\np2 SELECT INBOX\r\n").getBytes(StandardCharsets.US_ASCII));
            in.writeBytes(command);
            in.writeBytes("\r\nz8 NOOP\r\nz9 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
            out = session(in.toByteArray());
            assertThat(out).as("for %s", printable(command)).startsWith("* OK").contains("p2 OK");
        } else {
            // Most inputs: one command line in the session kept logged in with INBOX selected (LOGIN and SELECT
            // were most of each run's time), then the NOOP that shows the session goes on.
            noop = "z" + runs; // not "z8": a fuzzed command may use that tag too, and its reply must not end this one's wait
            out = LIVE.run(command, noop);
        }
        assertThat(out).as("for %s", printable(command)).doesNotContain("[SERVERBUG]");
        checkLines(out);
        if (!takesNextLine && !out.contains("* BYE")) assertThat("\r\n" + out).as("for %s", printable(command)).contains("\r\n" + noop + " OK");
    }

    private static void newAccount() throws IOException {
        user = "u" + runs + "@fuzz.test";
        STORAGE.accounts().addAccount(user, CREDENTIALS, false);
        byte[] message = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        StringBuilder in = new StringBuilder("a LOGIN " + user + " " + PASSWORD + "\r\n");
        for (int i = 0; i < 3; i++) in.append("b APPEND INBOX (\\Seen $x) {").append(message.length).append("+}\r\n").append(MESSAGE).append("\r\n");
        in.append("c CREATE Otra\r\nd LOGOUT\r\n");
        assertThat(session(in.toString().getBytes(StandardCharsets.US_ASCII))).contains("d OK").doesNotContain(" NO ", " BAD ");
    }

    private static String session(byte[] input) throws IOException {
        ByteSocket socket = new ByteSocket(input);
        // Closed after, as the listener does: the authenticator's live sessions forget closed connections.
        try (Connection conn = new Connection(socket, new Deadlines(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 0))) {
            SERVER.serve(conn);
        }
        return new String(socket.written(), StandardCharsets.ISO_8859_1);
    }

    /** Every line ends in CRLF; a line ending in {n} is followed by exactly n octets of literal, then the line goes on. */
    private static void checkLines(String out) {
        int i = 0;
        while (i < out.length()) {
            int lf = out.indexOf('\n', i);
            assertThat(lf).as("unterminated response at %d in %s", i, out).isPositive();
            int cr = out.indexOf('\r', i);
            assertThat(cr).as("bare CR or LF at %d in %s", i, out).isEqualTo(lf - 1);
            String line = out.substring(i, lf - 1);
            i = lf + 1;
            if (line.endsWith("}")) {
                int open = line.lastIndexOf('{');
                String count = line.substring(open + 1, line.length() - 1);
                if (open >= 0 && !count.isEmpty() && count.chars().allMatch(Character::isDigit)) {
                    // ISO-8859-1 keeps one char per octet, so the count is in chars here.
                    i += Integer.parseInt(count);
                    assertThat(i).as("literal past the end in %s", out).isLessThanOrEqualTo(out.length());
                }
            }
        }
    }

    /**
     * One session, logged in with INBOX selected, on its own thread over an in-memory pipe: each input is
     * one command line and a NOOP, and the answer is what the session wrote until the NOOP's tagged reply.
     * Restarted when it ends (BYE: too many errors) and with each new account.
     */
    private static final class LiveSession {

        private final BlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
        private final Output output = new Output();
        private Thread thread;
        /** Set (under the output's lock) when the session returned: the thread may still look alive then. */
        private boolean ended;

        String run(byte[] command, String tag) throws Exception {
            if (thread == null || sessionEnded()) start();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            line.writeBytes(command);
            line.writeBytes(("\r\n" + tag + " NOOP\r\n").getBytes(StandardCharsets.US_ASCII));
            synchronized (output) {
                output.expect(tag);
            }
            input.put(line.toByteArray());
            return awaitAnswer();
        }

        private void start() throws Exception {
            input.clear();
            synchronized (output) {
                ended = false;
                output.expect("z8"); // before the session starts: its greeting is part of the answer
            }
            Socket socket = new PipeSocket();
            Connection conn = new Connection(socket, new Deadlines(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 0));
            thread = Thread.ofPlatform().daemon().name("imap-fuzz-session").start(() -> {
                try (conn) {
                    SERVER.serve(conn);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    synchronized (output) {
                        ended = true;
                        output.notifyAll();
                    }
                }
            });
            input.put(("p1 LOGIN " + user + " " + PASSWORD + "\r\np2 SELECT INBOX\r\nz8 NOOP\r\n").getBytes(StandardCharsets.US_ASCII));
            String greeting = awaitAnswer();
            assertThat(greeting).startsWith("* OK").contains("p1 OK", "p2 OK", "z8 OK");
        }

        /**
         * What the session wrote until the tagged reply {@link Output#expect expected} (or until it ended); a
         * hang is a finding. The session's thread wakes this one only then, not at each write: waking it
         * per write was a seventh of the run's time.
         */
        private String awaitAnswer() throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            synchronized (output) {
                while (!output.answered && !ended) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("no answer to the NOOP within 10 s; so far: %s", output.toString(StandardCharsets.ISO_8859_1)).isPositive();
                    output.wait(Math.max(1, left / 1_000_000));
                }
                return output.toString(StandardCharsets.ISO_8859_1);
            }
        }

        /** What the session wrote since the last {@link #expect}, and whether a line starting with the awaited tag is complete. */
        private static final class Output extends ByteArrayOutputStream {
            private byte[] awaited = new byte[0];
            private int lineStart;
            private boolean answered;

            void expect(String tag) {
                reset();
                awaited = (tag + " ").getBytes(StandardCharsets.US_ASCII);
                lineStart = 0;
                answered = false;
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                int from = count;
                super.write(b, off, len);
                for (int i = from; i < count && !answered; i++) {
                    if (buf[i] != '\n') continue;
                    answered = i - lineStart >= awaited.length && java.util.Arrays.equals(buf, lineStart, lineStart + awaited.length, awaited, 0, awaited.length);
                    lineStart = i + 1;
                }
                if (answered) notifyAll();
            }
        }

        private boolean sessionEnded() {
            synchronized (output) {
                return ended;
            }
        }

        void end() throws InterruptedException {
            if (thread == null) return;
            input.put(new byte[0]);
            thread.join(10_000);
            assertThat(thread.isAlive()).as("session did not end at the end of its input").isFalse();
            thread = null;
        }

        /** Reads what the queue gives (an empty array is the end of the stream), writes into {@link #output}. */
        private final class PipeSocket extends Socket {
            private final InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            private byte[] chunk = new byte[0];
            private int pos;
            private boolean ended;

            private final InputStream in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    while (pos == chunk.length) {
                        if (ended) return -1;
                        try {
                            chunk = input.take();
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                        pos = 0;
                        if (chunk.length == 0) ended = true;
                    }
                    int n = Math.min(len, chunk.length - pos);
                    System.arraycopy(chunk, pos, b, off, n);
                    pos += n;
                    return n;
                }
            };

            private final OutputStream out = new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    output.write(b, off, len);
                }
            };

            @Override
            public InputStream getInputStream() {
                return in;
            }

            @Override
            public OutputStream getOutputStream() {
                return out;
            }

            @Override
            public SocketAddress getRemoteSocketAddress() {
                return loopback;
            }

            @Override
            public SocketAddress getLocalSocketAddress() {
                return loopback;
            }

            @Override
            public void setSoTimeout(int timeout) {
            }

            @Override
            public void setTcpNoDelay(boolean on) {
            }
        }
    }

    private static String printable(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}
