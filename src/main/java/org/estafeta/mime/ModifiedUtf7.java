package org.estafeta.mime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Modified UTF-7 (RFC 3501 §5.1.3): mailbox names for IMAP clients without UTF8=ACCEPT, and on disk in
 * Dovecot's and Courier's Maildir++ folder names.
 */
public final class ModifiedUtf7 {

    private ModifiedUtf7() {
    }

    /**
     * Modified UTF-7 to a Java string; null if malformed or not in the one form RFC 3501 allows
     * (printable ASCII as itself, one shifted run per stretch of other characters, no padding, zero
     * bits left over, whole UTF-16 characters): a name with two spellings would be two mailboxes to
     * one client and one to another.
     */
    public static String decode(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '&') {
                if (c < 0x20 || c > 0x7e) return null;
                out.append(c);
                i++;
                continue;
            }
            int end = s.indexOf('-', i);
            if (end < 0) return null;
            if (end == i + 1) {
                out.append('&');
            } else {
                String b64 = s.substring(i + 1, end).replace(',', '/');
                // One base64 character left over is not even a byte (and "&STORE-" once made the padding a crash).
                if (b64.length() % 4 == 1) return null;
                try {
                    byte[] bytes = Base64.getDecoder().decode(b64 + "==".substring(0, (4 - b64.length() % 4) % 4));
                    if (bytes.length % 2 != 0) return null;
                    out.append(StandardCharsets.UTF_16BE.newDecoder().decode(ByteBuffer.wrap(bytes)));
                } catch (IllegalArgumentException | CharacterCodingException e) {
                    return null;
                }
            }
            i = end + 1;
        }
        String decoded = out.toString();
        return encode(decoded).equals(s) ? decoded : null;
    }

    /** A Java string in modified UTF-7. */
    public static String encode(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int j = i;
            while (j < s.length() && (s.charAt(j) < 0x20 || s.charAt(j) > 0x7e)) j++;
            byte[] utf16 = s.substring(i, j).getBytes(StandardCharsets.UTF_16BE);
            out.append('&').append(Base64.getEncoder().withoutPadding().encodeToString(utf16).replace('/', ',')).append('-');
            i = j;
        }
        return out.toString();
    }
}
