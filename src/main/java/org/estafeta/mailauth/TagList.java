package org.estafeta.mailauth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tag=value list (RFC 6376 §3.2), the syntax of DKIM-Signature fields, DKIM key records and DMARC
 * records: {@code tag = value} separated by semicolons, whitespace (folding included) around both
 * ignored, a trailing semicolon allowed. A duplicated tag or a tag without '=' makes the whole list
 * invalid.
 */
final class TagList {

    /** The text is not a valid tag list. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private TagList() {
    }

    /** Tags in the order they appear; names are case-sensitive (§3.2). */
    static Map<String, String> parse(String text) throws Malformed {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";", -1)) {
            if (spec.isBlank()) continue;
            int eq = spec.indexOf('=');
            if (eq < 0) throw new Malformed("tag without '=': " + clip(spec));
            String name = trim(spec.substring(0, eq));
            if (name.isEmpty() || !name.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c) && c < 128)
                    || !Character.isLetter(name.charAt(0))) {
                throw new Malformed("bad tag name: " + clip(name));
            }
            if (tags.putIfAbsent(name, trim(spec.substring(eq + 1))) != null) throw new Malformed("duplicate tag " + name);
        }
        return tags;
    }

    /** Removes folding whitespace (SP, TAB, CR, LF) from both ends. */
    static String trim(String s) {
        int start = 0, end = s.length();
        while (start < end && isFws(s.charAt(start))) start++;
        while (end > start && isFws(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** The value with every folding whitespace character removed (b=, bh=, p= are base64 with FWS allowed anywhere). */
    static String withoutFws(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) if (!isFws(s.charAt(i))) out.append(s.charAt(i));
        return out.toString();
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Client text quoted in an error stays short. */
    static String clip(String s) {
        String oneLine = s.replaceAll("[\\r\\n]", " ");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "…" : oneLine;
    }
}
