package org.estafeta.mailauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One header field exactly as it came, folding and all, held as a Latin-1 string so that every byte
 * survives (signatures are computed over bytes, and 8-bit headers must not change on the way).
 *
 * @param raw the whole field without its final CRLF
 */
record HeaderField(String name, String raw) {

    /** What follows the colon, unfolded is up to the caller. */
    String value() {
        return raw.substring(raw.indexOf(':') + 1);
    }

    boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }

    String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** A header block too large to be a real message's: {@link #readBlock} stops there. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("header block larger than allowed", null);
        }
    }

    /**
     * Reads the header block up to and including the empty line, leaving {@code in} at the body. A
     * line is ended by CRLF or a bare LF; a continuation line (starting with SP or TAB) belongs to
     * the field above it. A line without a colon is not a field and is skipped.
     */
    static List<HeaderField> readBlock(InputStream in, int maxBytes) throws IOException {
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        int total = 0;
        while (true) {
            String line = readLine(in);
            if (line == null || line.isEmpty()) break;
            total += line.length() + 2;
            if (total > maxBytes) throw new TooLarge();
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(line);
                continue;
            }
            if (current != null) fields.add(of(current.toString()));
            current = line.indexOf(':') > 0 ? new StringBuilder(line) : null;
        }
        if (current != null) fields.add(of(current.toString()));
        return fields;
    }

    private static HeaderField of(String raw) {
        return new HeaderField(raw.substring(0, raw.indexOf(':')).strip(), raw);
    }

    /** One line without its end (CRLF or LF), null at the end of input. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int c;
        while ((c = in.read()) != -1 && c != '\n') line.write(c);
        if (c == -1 && line.size() == 0) return null;
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }
}
