package org.estafeta.smtp;

import java.io.IOException;
import java.io.OutputStream;
import org.estafeta.net.Connection;
import org.estafeta.net.Line;

/**
 * Reads the message after DATA up to its end marker, removes dot-stuffing and writes it with CRLF
 * line ends (RFC 5321 §4.1.1.4, §4.5.2).
 *
 * <p>SMTP smuggling: the message ends only at CRLF "." CRLF. A bare LF is accepted as a line end in
 * the content (normalised to CRLF), but it never helps to end the message — except when the client
 * is trusted ({@code lenientEnd}), where LF "." LF also ends it so that a person typing into nc
 * can finish. A bare CR is never a line end. So content that a receiving server might read as
 * "end of message, next command" can never end ours early. A bare CR inside a line is stored as CRLF
 * too (RFC 5321 §2.3.8 forbids it; Postfix's smtpd_forbid_bare_newline normalises the same way), so
 * {@code hello CR "." CRLF} is stored as two lines and the dot is stuffed when it is relayed.
 */
public final class DataReader {

    /** Long lines are copied in chunks of this size; they are content, not a protocol error. */
    private static final int CHUNK = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    public enum Outcome { COMPLETE, TOO_BIG, DISCONNECTED }

    private final Connection connection;
    private final boolean lenientEnd;
    private final long maxSize;
    private long size;

    public DataReader(Connection connection, boolean lenientEnd, long maxSize) {
        this.connection = connection;
        this.lenientEnd = lenientEnd;
        this.maxSize = maxSize;
    }

    /** Octets of content seen (after un-stuffing, with CRLF line ends), counted even past the limit. */
    public long size() {
        return size;
    }

    /** Copies the content to {@code out} until the end marker; past {@code maxSize} it reads on but stops writing. */
    public Outcome copyTo(OutputStream out) throws IOException {
        // The DATA command line itself ended the previous line, so a first "." line ends at once.
        Line.Ending previous = Line.Ending.CRLF;
        while (true) {
            Line line = connection.readLine(CHUNK);
            if (line == null || line.ending() == Line.Ending.EOF) return Outcome.DISCONNECTED;
            boolean atLineStart = previous != Line.Ending.TRUNCATED;
            byte[] b = line.bytes();
            if (atLineStart && b.length == 1 && b[0] == '.' && endsMessage(previous, line.ending())) {
                return size > maxSize ? Outcome.TOO_BIG : Outcome.COMPLETE;
            }
            int off = atLineStart && b.length > 0 && b[0] == '.' ? 1 : 0;
            int len = b.length - off;
            boolean terminated = line.isTerminated();
            int bareCrs = 0;
            for (int i = off; i < b.length; i++) if (b[i] == '\r') bareCrs++;
            size += len + bareCrs + (terminated ? 2 : 0);
            if (size <= maxSize) {
                writeNormalised(out, b, off, len);
                if (terminated) out.write(CRLF);
            }
            previous = line.ending();
        }
    }

    /** Writes the line's bytes with each bare CR (the line end is not in them) as CRLF. */
    private static void writeNormalised(OutputStream out, byte[] b, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] != '\r') continue;
            out.write(b, start, i - start);
            out.write(CRLF);
            start = i + 1;
        }
        out.write(b, start, off + len - start);
    }

    private boolean endsMessage(Line.Ending before, Line.Ending after) {
        if (before == Line.Ending.CRLF && after == Line.Ending.CRLF) return true;
        return lenientEnd && before != Line.Ending.TRUNCATED && after != Line.Ending.TRUNCATED;
    }
}
