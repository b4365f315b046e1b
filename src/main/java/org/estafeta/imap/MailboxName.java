package org.estafeta.imap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Mailbox names on the wire. Stored names are UTF-8 with "/" as the hierarchy delimiter and "INBOX"
 * in upper case. Clients that have not enabled UTF8=ACCEPT or IMAP4rev2 use modified UTF-7
 * (RFC 3501 §5.1.3).
 */
final class MailboxName {

    static final char DELIMITER = '/';

    private MailboxName() {
    }

    /** The stored form of a name the client sent: INBOX (any case) as "INBOX", its children too. */
    static String normalize(String name) {
        if (name.equalsIgnoreCase("INBOX")) return "INBOX";
        if (name.length() > 6 && name.substring(0, 6).equalsIgnoreCase("INBOX/")) return "INBOX" + name.substring(5);
        return name;
    }

    /** Whether a name may be created: not empty, no empty levels, no wildcard characters. */
    static boolean valid(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.endsWith("/") || name.contains("//")) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '*' || c == '%' || c < 0x20 || c == 0x7f) return false;
        }
        return name.length() <= 1000;
    }

    /** Modified UTF-7 to a Java string; null if malformed. */
    static String decodeUtf7(String s) {
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
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(b64 + "==".substring(0, (4 - b64.length() % 4) % 4));
                } catch (IllegalArgumentException e) {
                    return null;
                }
                if (bytes.length % 2 != 0) return null;
                out.append(StandardCharsets.UTF_16BE.decode(ByteBuffer.wrap(bytes)));
            }
            i = end + 1;
        }
        return out.toString();
    }

    static String encodeUtf7(String s) {
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

    /** RFC 9051 §6.3.9: does {@code name} match a LIST pattern ({@code *} anything, {@code %} anything but "/")? */
    static boolean matches(String pattern, String name) {
        return matches(pattern, 0, name, 0);
    }

    private static boolean matches(String p, int pi, String n, int ni) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*' || c == '%') {
                for (int k = ni; k <= n.length(); k++) {
                    if (matches(p, pi + 1, n, k)) return true;
                    if (k < n.length() && c == '%' && n.charAt(k) == DELIMITER) return false;
                }
                return false;
            }
            if (ni >= n.length() || n.charAt(ni) != c) return false;
            pi++;
            ni++;
        }
        return ni == n.length();
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
