package org.estafeta.dns;

import java.util.Locale;

/**
 * A host name or a wildcard {@code *.example.com} standing for exactly one more label on the left:
 * the rule of certificate names (RFC 6125 §6.4.3, wildcard only as the whole left-most label) and of
 * MTA-STS {@code mx} patterns (RFC 8461 §4.1), so {@code *.example.com} matches {@code mx.example.com}
 * but neither {@code example.com} nor {@code a.mx.example.com}. Case and a trailing dot do not count.
 */
public final class DomainPattern {

    private DomainPattern() {
    }

    public static boolean matches(String pattern, String host) {
        String p = normal(pattern), h = normal(host);
        if (p.isEmpty() || h.isEmpty()) return false;
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return !p.contains("*") && p.equals(h);
    }

    /** A host name or {@code *.} and a host name, each label letters, digits and hyphens. */
    public static boolean isValid(String pattern) {
        String p = normal(pattern);
        if (p.startsWith("*.")) p = p.substring(2);
        if (p.isEmpty() || p.length() > 253) return false;
        for (String label : p.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) return false;
            if (!label.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) return false;
        }
        return true;
    }

    private static String normal(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
