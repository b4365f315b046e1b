package org.estafeta.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The octets of BDAT chunks (RFC 3030) on their way into a message. A chunk is counted, not
 * terminated, so there is no end marker to smuggle and no dot-stuffing to undo; but line ends get the
 * same care as after DATA ({@link DataReader}): unless the body is BINARYMIME, a bare CR or LF is
 * stored as CRLF, so that no bare line end reaches a next hop that might read it as the end of a
 * line. A CR that ends one chunk may meet its LF at the start of the next. Past {@code maxSize} the
 * octets are counted but no longer written, as DataReader does, so the reply can say how big it was.
 */
public final class ChunkSink extends OutputStream {

    private final OutputStream out;
    /** BODY=BINARYMIME: the content is stored exactly as sent (RFC 3030 §3). */
    private final boolean binary;
    private final long maxSize;
    private long size;
    private boolean nul;
    private boolean heldCr;
    /** The last two octets written, to tell whether the message ends with CRLF. */
    private int last1 = -1, last2 = -1;

    public ChunkSink(OutputStream out, boolean binary, long maxSize) {
        this.out = out;
        this.binary = binary;
        this.maxSize = maxSize;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (binary) {
            emit(b, off, len);
            return;
        }
        int start = off, end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (heldCr) {
                heldCr = false;
                emit(CRLF, 0, 2);
                if (c == '\n') {
                    start = i + 1;
                    continue;
                }
            }
            if (c == '\r') {
                emit(b, start, i - start);
                heldCr = true;
                start = i + 1;
            } else if (c == '\n') {
                emit(b, start, i - start);
                emit(CRLF, 0, 2);
                start = i + 1;
            }
        }
        emit(b, start, end - start);
    }

    /** After the LAST chunk: writes a CR still held, and says how the content ended. */
    public DataReader.Outcome finish() throws IOException {
        if (heldCr) {
            heldCr = false;
            emit(CRLF, 0, 2);
        }
        return size > maxSize ? DataReader.Outcome.TOO_BIG : nul ? DataReader.Outcome.HAS_NUL : DataReader.Outcome.COMPLETE;
    }

    /** Octets of content so far, counted even past the limit. */
    public long size() {
        return size;
    }

    public boolean tooBig() {
        return size > maxSize;
    }

    /**
     * Whether the content ends with CRLF (or is empty). A message always does after DATA; after BDAT a
     * last line without CRLF is the sign of a chunk size that did not match the data sent.
     */
    public boolean endsWithCrlf() {
        return size == 0 || (last2 == '\r' && last1 == '\n') || heldCr;
    }

    private void emit(byte[] b, int off, int len) throws IOException {
        if (len <= 0) return;
        size += len;
        if (len >= 2) {
            last2 = b[off + len - 2];
        } else {
            last2 = last1;
        }
        last1 = b[off + len - 1];
        if (size <= maxSize) {
            for (int i = off; i < off + len && !nul; i++) nul = b[i] == 0;
            out.write(b, off, len);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
}
