package org.estafeta.net;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message content as the body of a multi-line response or SMTP DATA: a '.' that starts a line
 * is doubled and {@link #finish()} ends the body with "." CRLF (RFC 1939 §3, RFC 5321 §4.5.2). Every
 * line end leaves as CRLF whatever is stored: a bare CR or bare LF becomes CRLF (RFC 5321 §2.3.8: a
 * client MUST NOT send them), so content can never smuggle an end of data past the next hop. If the
 * content does not end with a line end, a CRLF is added before the dot so that the terminator stays
 * on a line of its own. Closing this stream does not close the one below.
 */
public final class DotStuffingOutputStream extends OutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] CRLF_END = {'\r', '\n', '.', '\r', '\n'};

    private final OutputStream out;
    /** The next byte starts a line: the body's first byte, or the one after a line end. */
    private boolean atLineStart = true;
    /** A CR was the last byte seen: CRLF if an LF follows, a bare CR (also written as CRLF) if not. */
    private boolean pendingCr;

    public DotStuffingOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off, end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (pendingCr) {
                pendingCr = false;
                out.write(CRLF);
                atLineStart = true;
                if (c == '\n') {
                    start = i + 1;
                    continue;
                }
            }
            if (c == '\r' || c == '\n') {
                out.write(b, start, i - start);
                if (c == '\r') {
                    pendingCr = true;
                } else {
                    out.write(CRLF);
                    atLineStart = true;
                }
                start = i + 1;
                continue;
            }
            if (atLineStart && c == '.') {
                // Write up to and including this dot; the dot is then written again with the rest.
                out.write(b, start, i - start + 1);
                start = i;
            }
            atLineStart = false;
        }
        out.write(b, start, end - start);
    }

    /** Ends the body; the terminator is not part of the content's size. */
    public void finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            out.write(CRLF);
            atLineStart = true;
        }
        out.write(atLineStart ? END : CRLF_END);
        atLineStart = true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
