package org.estafeta.imap;

import java.nio.charset.StandardCharsets;

/** IMAP string syntax (RFC 9051 §4.3) for the values the server sends. */
final class ImapSyntax {

    private ImapSyntax() {
    }

    /** NIL for null, else {@link #string}. */
    static String nstring(String s) {
        return s == null ? "NIL" : string(s);
    }

    /**
     * A quoted string when every character may be quoted (printable ASCII), else a literal, which
     * carries anything (8-bit text, CR, LF) in either IMAP revision.
     */
    static String string(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) return literal(s);
        }
        return quoted(s);
    }

    static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    static String literal(String s) {
        return "{" + s.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + s;
    }
}
