package org.estafeta.imap;

import java.util.Locale;
import org.estafeta.mime.ModifiedUtf7;

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
        return ModifiedUtf7.decode(s);
    }

    static String encodeUtf7(String s) {
        return ModifiedUtf7.encode(s);
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
