package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The variables of one run (RFC 5229): named ones set by {@code set}, and the match variables ${0}…${9}
 * of the last successful :matches. Values are cut at a size limit so that doubling a variable in a
 * chain of {@code set} commands cannot eat the heap.
 */
final class Variables {

    private final Map<String, String> named = new HashMap<>();
    private List<String> matched = List.of();
    private final boolean enabled;
    private final int maxBytes;

    Variables(boolean enabled, int maxBytes) {
        this.enabled = enabled;
        this.maxBytes = maxBytes;
    }

    static boolean isIdentifier(String name) {
        if (name.isEmpty() || !(Character.isLetter(name.charAt(0)) && name.charAt(0) < 128 || name.charAt(0) == '_')) return false;
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) return false;
        }
        return true;
    }

    boolean enabled() {
        return enabled;
    }

    void set(String name, String value) {
        named.put(name, cut(value));
    }

    String get(String name) {
        return named.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    /** RFC 5229 §3.2: only a successful :matches changes the match variables. */
    void matched(List<String> groups) {
        List<String> cut = new ArrayList<>(groups.size());
        for (String g : groups) cut.add(cut(g));
        matched = cut;
    }

    /**
     * Replaces ${name} and ${N} (RFC 5229 §3); an unknown variable is empty, and text that is not a
     * valid reference stays as written.
     */
    String expand(String s) {
        if (!enabled || s.indexOf("${") < 0) return s;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int start = s.indexOf("${", i);
            if (start < 0) break;
            int end = s.indexOf('}', start + 2);
            if (end < 0) break;
            String name = s.substring(start + 2, end);
            String value = lookup(name);
            if (value == null) {
                out.append(s, i, start + 2);
                i = start + 2;
                continue;
            }
            out.append(s, i, start).append(value);
            i = end + 1;
            if (out.length() > maxBytes) break;
        }
        if (i < s.length() && out.length() <= maxBytes) out.append(s, i, s.length());
        return cut(out.toString());
    }

    private String lookup(String name) {
        if (!name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int n = name.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(name);
            return n < matched.size() ? matched.get(n) : "";
        }
        return isIdentifier(name) ? get(name) : null;
    }

    /** RFC 5229 §4.1: modifiers, applied in the order given (highest precedence first). */
    static String modify(String value, List<String> modifiers) {
        String v = value;
        for (String m : modifiers) {
            v = switch (m) {
                case "lower" -> v.toLowerCase(Locale.ROOT);
                case "upper" -> v.toUpperCase(Locale.ROOT);
                case "lowerfirst" -> v.isEmpty() ? v : v.substring(0, 1).toLowerCase(Locale.ROOT) + v.substring(1);
                case "upperfirst" -> v.isEmpty() ? v : v.substring(0, 1).toUpperCase(Locale.ROOT) + v.substring(1);
                case "quotewildcard" -> v.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
                case "length" -> String.valueOf(v.codePointCount(0, v.length()));
                default -> throw new IllegalStateException("modifier " + m);
            };
        }
        return v;
    }

    private String cut(String v) {
        if (v.length() <= maxBytes / 4) return v;
        byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= maxBytes) return v;
        // Cut on a character boundary.
        int n = maxBytes;
        while (n > 0 && (b[n] & 0xC0) == 0x80) n--;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
