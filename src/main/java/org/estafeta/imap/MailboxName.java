package org.estafeta.imap;

import java.util.Locale;
import org.estafeta.mime.ModifiedUtf7;
import org.estafeta.store.Mailbox;

/**
 * Mailbox names on the wire. Stored names are UTF-8 with "/" as the hierarchy delimiter and "INBOX"
 * in upper case. Clients that have not enabled UTF8=ACCEPT or IMAP4rev2 use modified UTF-7
 * (RFC 3501 §5.1.3).
 */
final class MailboxName {

    static final char DELIMITER = Mailbox.DELIMITER;

    private MailboxName() {
    }

    /** The stored form of a name the client sent: INBOX (any case) as "INBOX", its children too. */
    static String normalize(String name) {
        if (name.equalsIgnoreCase("INBOX")) return "INBOX";
        if (name.length() > 6 && name.substring(0, 6).equalsIgnoreCase("INBOX/")) return "INBOX" + name.substring(5);
        return name;
    }

    /** Whether a name may be created: the store's rule. */
    static boolean valid(String name) {
        return Mailbox.validName(name);
    }

    /** Modified UTF-7 to a Java string; null if malformed. */
    static String decodeUtf7(String s) {
        return ModifiedUtf7.decode(s);
    }

    static String encodeUtf7(String s) {
        return ModifiedUtf7.encode(s);
    }

    /**
     * RFC 9051 §6.3.9: does {@code name} match a LIST pattern ({@code *} anything, {@code %} anything
     * but "/")? Walks the pattern once, keeping which prefixes of the name the pattern so far can
     * match: time grows with pattern length × name length. (Trying each split in turn was exponential
     * in the wildcards: a LIST with a few dozen '*' held a core for minutes, found by fuzzing.)
     */
    static boolean matches(String pattern, String name) {
        pattern = compact(pattern);
        int n = name.length();
        // Every character that is not a wildcard takes one of the name's.
        if (pattern.chars().filter(c -> c != '*' && c != '%').count() > n) return false;
        boolean[] reach = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        reach[0] = true;
        for (int pi = 0; pi < pattern.length(); pi++) {
            char c = pattern.charAt(pi);
            boolean any = false;
            for (int k = 0; k <= n; k++) {
                if (c == '*') {
                    any |= reach[k];
                    next[k] = any;
                } else if (c == '%') {
                    next[k] = reach[k] || k > 0 && next[k - 1] && name.charAt(k - 1) != DELIMITER;
                } else {
                    next[k] = k > 0 && reach[k - 1] && name.charAt(k - 1) == c;
                }
                any |= next[k];
            }
            if (!any) return false;
            boolean[] swap = reach;
            reach = next;
            next = swap;
        }
        return reach[n];
    }

    /**
     * A run of wildcards as one: "*" if the run holds one, else "%". A pattern of a megabyte (a
     * literal may be one) then costs no more than one as long as the names it is matched against.
     */
    private static String compact(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length());
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '*' && c != '%') {
                out.append(c);
                i++;
                continue;
            }
            boolean star = false;
            for (; i < pattern.length() && (pattern.charAt(i) == '*' || pattern.charAt(i) == '%'); i++) star |= pattern.charAt(i) == '*';
            out.append(star ? '*' : '%');
        }
        return out.toString();
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
