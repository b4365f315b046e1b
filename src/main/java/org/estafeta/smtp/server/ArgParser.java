package org.estafeta.smtp.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.estafeta.smtp.SmtpException;

/**
 * A cursor over the argument text of one command. Lenient where people typing are (case, a space
 * after the colon, no angle brackets), strict where ambiguity would be dangerous (an unclosed
 * bracket, junk after the path, unknown parameters).
 */
final class ArgParser {

    private final String s;
    private int pos;

    ArgParser(String args) {
        this.s = args;
    }

    /** Consumes {@code FROM:} / {@code TO:} case-insensitively, with optional spaces around the colon. */
    void keyword(String word) throws SmtpException {
        skipSpaces();
        if (!s.regionMatches(true, pos, word, 0, word.length())) throw syntax("expected " + word + ":");
        pos += word.length();
        skipSpaces();
        if (pos >= s.length() || s.charAt(pos) != ':') throw syntax("expected " + word + ":");
        pos++;
        skipSpaces();
    }

    /** The path text, without the angle brackets when present (quoted local parts may contain '>' or ' '). */
    String path() throws SmtpException {
        if (pos < s.length() && s.charAt(pos) == '<') {
            int close = closingBracket(pos + 1);
            if (close < 0) throw syntax("missing '>'");
            String path = s.substring(pos + 1, close);
            pos = close + 1;
            return path;
        }
        int start = pos;
        while (pos < s.length() && s.charAt(pos) != ' ') pos++;
        return s.substring(start, pos);
    }

    private int closingBracket(int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) i++;
            else if (c == '"') quoted = !quoted;
            else if (c == '>' && !quoted) return i;
        }
        return -1;
    }

    /** ESMTP parameters {@code KEY[=VALUE]} separated by spaces, keys upper-cased (RFC 5321 §4.1.2). */
    Map<String, String> parameters() throws SmtpException {
        Map<String, String> params = new LinkedHashMap<>();
        if (pos < s.length() && s.charAt(pos) != ' ') throw syntax("unexpected text after the address");
        for (String p : s.substring(pos).trim().split(" +")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (!key.matches("[A-Z0-9][A-Z0-9-]*")) throw syntax("bad parameter");
            if (params.putIfAbsent(key, eq < 0 ? null : p.substring(eq + 1)) != null) throw syntax("repeated parameter " + key);
        }
        pos = s.length();
        return params;
    }

    private void skipSpaces() {
        while (pos < s.length() && s.charAt(pos) == ' ') pos++;
    }

    private static SmtpException syntax(String why) {
        return new SmtpException(501, "5.5.4", "Syntax error: " + why);
    }
}
