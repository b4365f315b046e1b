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
 * can finish. A bare CR never ends a line here either, but it is stored as CRLF (RFC 5321 §2.3.8: a
 * client MUST NOT send one), so that no bare CR reaches a next hop that might read it as a line end.
 * So content that a receiving server might read as "end of message, next command" can never end ours
 * early, nor anyone's later.
 */
public final class DataReader {

    /** Long lines are copied in chunks of this size; they are content, not a protocol error. */
    private static final int CHUNK = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'}, LF = {'\n'};

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
        // A CR that ended a chunk of a long line: the LF that makes it a CRLF may be the next byte.
        boolean heldCr = false;
        while (true) {
            Line line = connection.readLine(CHUNK);
            if (line == null || line.ending() == Line.Ending.EOF) return Outcome.DISCONNECTED;
            byte[] b = line.bytes();
            if (heldCr) {
                heldCr = false;
                emit(out, CRLF, 0, 2);
                if (b.length == 0 && line.ending() == Line.Ending.LF) {
                    previous = Line.Ending.CRLF;
                    continue;
                }
            }
            boolean atLineStart = previous != Line.Ending.TRUNCATED;
            if (atLineStart && b.length == 1 && b[0] == '.' && endsMessage(previous, line.ending())) {
                return size > maxSize ? Outcome.TOO_BIG : Outcome.COMPLETE;
            }
            int off = atLineStart && b.length > 0 && b[0] == '.' ? 1 : 0;
            int len = b.length - off;
            if (line.ending() == Line.Ending.TRUNCATED && len > 0 && b[off + len - 1] == '\r') {
                heldCr = true;
                len--;
            }
            write(out, b, off, len);
            if (line.isTerminated()) emit(out, CRLF, 0, 2);
            previous = line.ending();
        }
    }

    /** Writes a piece of a line with every CR in it as CRLF: the line reader already took off the CR of a CRLF. */
    private void write(OutputStream out, byte[] b, int off, int len) throws IOException {
        int start = off, end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\r') {
                emit(out, b, start, i + 1 - start);
                emit(out, LF, 0, 1);
                start = i + 1;
            }
        }
        emit(out, b, start, end - start);
    }

    /** Counts octets of content and writes them while under the limit. */
    private void emit(OutputStream out, byte[] b, int off, int len) throws IOException {
        size += len;
        if (size <= maxSize) out.write(b, off, len);
    }

    private boolean endsMessage(Line.Ending before, Line.Ending after) {
        if (before == Line.Ending.CRLF && after == Line.Ending.CRLF) return true;
        return lenientEnd && before != Line.Ending.TRUNCATED && after != Line.Ending.TRUNCATED;
    }
}
