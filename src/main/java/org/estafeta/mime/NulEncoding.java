package org.estafeta.mime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Keeps NUL out of everything but BINARY fetches. NUL is legal only in IMAP literal8 (RFC 9051
 * §4.3, RFC 3516), never in a {@code {n}} literal, and not in RFC 5322 text at all; yet an IMAP
 * APPEND of literal8 may carry a part with Content-Transfer-Encoding: binary that holds NUL. Such a
 * message is stored with each part that holds NUL re-encoded as base64 (its content unchanged, so
 * BINARY[n] still returns the original bytes); SMTP refuses NUL at DATA instead.
 */
public final class NulEncoding {

    private static final byte[] CTE_BASE64 = "Content-Transfer-Encoding: base64\r\n".getBytes(StandardCharsets.US_ASCII);

    private NulEncoding() {
    }

    /** Whether a NUL octet is in the bytes. */
    public static boolean hasNul(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == 0) return true;
        return false;
    }

    /**
     * The message with every leaf part whose body holds NUL re-encoded as base64. Null when a header
     * holds NUL: no encoding can carry that, and the message is refused.
     */
    public static byte[] encode(byte[] message) throws IOException {
        MimePart root = MimeParser.parse(new ByteArrayInputStream(message));
        List<MimePart> leaves = new ArrayList<>();
        if (!collect(root, message, leaves)) return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length * 4 / 3 + 1024);
        long at = 0;
        for (MimePart p : leaves) {
            out.write(message, (int) at, (int) (p.headerStart - at));
            writeHeaderWithBase64(out, message, (int) p.headerStart, (int) p.bodyStart);
            byte[] encoded = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'})
                    .encode(java.util.Arrays.copyOfRange(message, (int) p.bodyStart, (int) p.end));
            out.write(encoded);
            at = p.end;
        }
        out.write(message, (int) at, message.length - (int) at);
        return out.toByteArray();
    }

    /** Leaves with NUL in their bodies, in order; false when a header holds NUL. */
    private static boolean collect(MimePart p, byte[] m, List<MimePart> out) {
        if (hasNul(m, (int) p.headerStart, (int) p.bodyStart)) return false;
        if (p.isMultipart()) {
            for (MimePart c : p.children) if (!collect(c, m, out)) return false;
            return true;
        }
        if (p.message != null) return collect(p.message, m, out);
        if (hasNul(m, (int) p.bodyStart, (int) p.end)) out.add(p);
        return true;
    }

    /** The part's header without its Content-Transfer-Encoding field, then base64's, then the blank line. */
    private static void writeHeaderWithBase64(ByteArrayOutputStream out, byte[] m, int from, int to) {
        int blank = to;
        // The blank line ending the header (CRLF or LF) stays at the end.
        if (blank > from && m[blank - 1] == '\n') {
            blank--;
            if (blank > from && m[blank - 1] == '\r') blank--;
        }
        boolean skipping = false;
        int line = from;
        while (line < blank) {
            int end = line;
            while (end < blank && m[end] != '\n') end++;
            int next = Math.min(end + 1, blank);
            boolean continuation = m[line] == ' ' || m[line] == '\t';
            if (!continuation) skipping = startsWithIgnoreCase(m, line, end, "content-transfer-encoding:");
            if (!skipping) out.write(m, line, next - line);
            line = next;
        }
        if (blank > from && m[blank - 1] != '\n') out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CTE_BASE64);
        out.write(m, blank, to - blank);
        if (to == blank) out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean startsWithIgnoreCase(byte[] m, int from, int to, String prefix) {
        if (to - from < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) m[from + i]) != prefix.charAt(i)) return false;
        }
        return true;
    }
}
