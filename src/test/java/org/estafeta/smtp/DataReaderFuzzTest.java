package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import org.estafeta.net.Connection;
import org.estafeta.net.Deadlines;
import org.estafeta.testing.ByteSocket;

/**
 * Any bytes after DATA, followed by a real end marker and a next command: the message must end exactly
 * at the first CRLF "." CRLF (never earlier on a bare LF or CR, never later), and what is stored must
 * have CRLF line ends only, so that no next hop can read a line end we did not. A simple model (split
 * at LF, un-stuff, CR becomes CRLF) says what the content must be.
 */
class DataReaderFuzzTest {

    private static final byte[] END = "\r\n.\r\n".getBytes(), NEXT = "QUIT\r\n".getBytes();
    /** One connection for the whole run, fed each input in turn: the reader's line discipline is the real one. */
    private static final ByteSocket SOCKET = new ByteSocket(new byte[0]);
    private static final Connection CONN;

    private static final ch.qos.logback.classic.Level LOG_LEVEL_BEFORE = org.estafeta.testing.QuietLogs.off();

    static {
        try {
            CONN = new Connection(SOCKET, new Deadlines(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreLogging() {
        org.estafeta.testing.QuietLogs.restore(LOG_LEVEL_BEFORE);
    }

    @FuzzTest
    void endsOnlyAtCrlfDotCrlf(byte[] body) throws IOException {
        if (body.length > 60_000) return; // one chunk per line: long lines have their own unit test
        byte[] full = concat("\r\n".getBytes(), body, END, NEXT);
        int marker = indexOf(full, END);
        byte[] expected = model(full, marker);
        byte[] rest = java.util.Arrays.copyOfRange(full, marker + END.length, full.length);
        byte[] input = java.util.Arrays.copyOfRange(full, 2, full.length);

        SOCKET.feed(input);
        DataReader reader = new DataReader(CONN, false, Long.MAX_VALUE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Content with a NUL is read to its end like any other, then refused whole.
        DataReader.Outcome whole = contains(expected, (byte) 0) ? DataReader.Outcome.HAS_NUL : DataReader.Outcome.COMPLETE;
        assertThat(reader.copyTo(out)).isEqualTo(whole);
        byte[] content = out.toByteArray();
        assertOnlyCrlf(content);
        assertThat(content).isEqualTo(expected);
        assertThat(reader.size()).isEqualTo(content.length);
        assertThat(CONN.input().readAllBytes()).as("what follows the end marker").isEqualTo(rest);

        // Over the limit: read to the same end, keep a prefix, count everything.
        long limit = expected.length / 2;
        SOCKET.feed(input);
        reader = new DataReader(CONN, false, limit);
        out.reset();
        assertThat(reader.copyTo(out)).isEqualTo(expected.length > limit ? DataReader.Outcome.TOO_BIG : whole);
        assertThat(reader.size()).isEqualTo(expected.length);
        assertThat(out.size()).isLessThanOrEqualTo((int) limit);
        assertPrefix(out.toByteArray(), expected);
        assertThat(CONN.input().readAllBytes()).isEqualTo(rest);

        // A trusted client may also end with LF "." LF: never later than the strict end, still CRLF only.
        SOCKET.feed(input);
        reader = new DataReader(CONN, true, Long.MAX_VALUE);
        out.reset();
        DataReader.Outcome lenient = reader.copyTo(out);
        assertThat(lenient).isEqualTo(contains(out.toByteArray(), (byte) 0) ? DataReader.Outcome.HAS_NUL : DataReader.Outcome.COMPLETE);
        assertOnlyCrlf(out.toByteArray());
        assertPrefix(out.toByteArray(), expected);
        // Ended no later than the strict end: what is left still holds the strict rest.
        byte[] leftOver = CONN.input().readAllBytes();
        assertThat(leftOver.length).isGreaterThanOrEqualTo(rest.length);
    }

    /** The content between the DATA line and the first end marker at {@code marker}, as it must be stored. */
    private static byte[] model(byte[] full, int marker) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        int start = 2;
        while (start < marker + 2) {
            int lf = start;
            while (full[lf] != '\n') lf++;
            int end = lf > start && full[lf - 1] == '\r' ? lf - 1 : lf;
            for (int i = full[start] == '.' && start < end ? start + 1 : start; i < end; i++) {
                content.write(full[i]);
                if (full[i] == '\r') content.write('\n');
            }
            content.write('\r');
            content.write('\n');
            start = lf + 1;
        }
        return content.toByteArray();
    }

    private static void assertOnlyCrlf(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r') that(i + 1 < b.length && b[i + 1] == '\n', "bare CR at %d", i);
            if (b[i] == '\n') that(i > 0 && b[i - 1] == '\r', "bare LF at %d", i);
        }
    }

    private static boolean contains(byte[] b, byte x) {
        for (byte c : b) if (c == x) return true;
        return false;
    }

    private static void assertPrefix(byte[] prefix, byte[] of) {
        assertThat(prefix.length).isLessThanOrEqualTo(of.length);
        assertThat(java.util.Arrays.copyOf(of, prefix.length)).isEqualTo(prefix);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }
}
