package org.estafeta.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * RFC 6409 §8.1 and §8.3: a submission server adds the Date and Message-ID a client left out. The
 * header section is held until its end (the first empty line) to see what is there; the body passes
 * straight through.
 */
public final class SubmissionHeaders extends OutputStream {

    /** A header section longer than this is passed on unchanged (it has what it needs, or is not mail). */
    private static final int MAX_HEADER = 256 * 1024;
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final OutputStream out;
    private final String hostname;
    /** The header so far; null once it has been written out. */
    private byte[] header = new byte[4096];
    private int length;

    public SubmissionHeaders(OutputStream out, String hostname) {
        this.out = out;
        this.hostname = hostname;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (header == null) {
            out.write(b, off, len);
            return;
        }
        int scanFrom = Math.max(0, length - 3);
        if (length + len > header.length) header = java.util.Arrays.copyOf(header, Math.max(header.length * 2, length + len));
        System.arraycopy(b, off, header, length, len);
        length += len;
        int end = endOfHeader(header, scanFrom, length);
        if (end >= 0) {
            emit(java.util.Arrays.copyOf(header, length), end);
        } else if (length > MAX_HEADER) {
            out.write(header, 0, length);
            header = null;
        }
    }

    /** Call at the end of the message: a message that is all header gets its fields added at the end. */
    public void finish() throws IOException {
        if (header == null) return;
        emit(java.util.Arrays.copyOf(header, length), length);
    }

    /** Writes the header with the missing fields before {@code end} (the empty line), then the rest. */
    private void emit(byte[] h, int end) throws IOException {
        String fields = new String(h, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        StringBuilder missing = new StringBuilder();
        if (!hasField(fields, "date")) missing.append("Date: ").append(RFC5322.format(ZonedDateTime.now())).append("\r\n");
        if (!hasField(fields, "message-id")) missing.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
        out.write(h, 0, end);
        if (end > 0 && h[end - 1] != '\n') out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(missing.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(h, end, h.length - end);
        header = null;
    }

    private static boolean hasField(String lowerHeader, String name) {
        return lowerHeader.startsWith(name + ":") || lowerHeader.contains("\n" + name + ":");
    }

    /** Index of the empty line that ends the header (just after the previous CRLF), or -1. */
    private static int endOfHeader(byte[] h, int from, int length) {
        if (length >= 2 && h[0] == '\r' && h[1] == '\n') return 0;
        for (int i = from; i + 3 < length; i++) {
            if (h[i] == '\r' && h[i + 1] == '\n' && h[i + 2] == '\r' && h[i + 3] == '\n') return i + 2;
        }
        return -1;
    }
}
