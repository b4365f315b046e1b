package org.estafeta.net;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message content as the body of a multi-line response: a '.' that starts a line is doubled
 * and {@link #finish()} ends the body with "." CRLF (RFC 1939 §3, RFC 5321 §4.5.2). Content stored
 * here always has CRLF line ends; if it does not end with one, a CRLF is added before the dot so that
 * the terminator stays on a line of its own. Closing this stream does not close the one below.
 */
public final class DotStuffingOutputStream extends OutputStream {

    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] CRLF_END = {'\r', '\n', '.', '\r', '\n'};

    private final OutputStream out;
    /** The next byte starts a line: the body's first byte, or the one after an LF. */
    private boolean atLineStart = true;

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
            if (atLineStart && b[i] == '.') {
                // Write up to and including this dot; the dot is then written again with the rest.
                out.write(b, start, i - start + 1);
                start = i;
            }
            atLineStart = b[i] == '\n';
        }
        out.write(b, start, end - start);
    }

    /** Ends the body; the terminator is not part of the content's size. */
    public void finish() throws IOException {
        out.write(atLineStart ? END : CRLF_END);
        atLineStart = true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
