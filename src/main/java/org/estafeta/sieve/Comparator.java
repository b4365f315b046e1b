package org.estafeta.sieve;

/** The comparators of RFC 4790 that Sieve uses (RFC 5228 §2.7.3), with ordering for RFC 5231. */
enum Comparator {
    OCTET("i;octet"), ASCII_CASEMAP("i;ascii-casemap"), ASCII_NUMERIC("i;ascii-numeric");

    final String name;

    Comparator(String name) {
        this.name = name;
    }

    static Comparator named(String name) {
        for (Comparator c : values()) if (c.name.equalsIgnoreCase(name)) return c;
        return null;
    }

    /** i;ascii-numeric orders numbers only; substring and wildcard matching make no sense for it (RFC 4790 §9.1). */
    boolean substringMatching() {
        return this != ASCII_NUMERIC;
    }

    int compare(String a, String b) {
        return switch (this) {
            case OCTET -> a.compareTo(b);
            case ASCII_CASEMAP -> foldAscii(a).compareTo(foldAscii(b));
            case ASCII_NUMERIC -> compareNumbers(a, b);
        };
    }

    boolean same(char a, char b) {
        return a == b || this == ASCII_CASEMAP && fold(a) == fold(b);
    }

    boolean contains(String haystack, String needle) {
        if (this == OCTET) return haystack.contains(needle);
        return foldAscii(haystack).contains(foldAscii(needle));
    }

    static String foldAscii(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                if (sb == null) sb = new StringBuilder(s);
                sb.setCharAt(i, (char) (c - 32));
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static char fold(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
    }

    /**
     * RFC 4790 §9.1.1: the value is the leading digits; a string that does not start with a digit is
     * positive infinity, equal to any other such string. Compared without a size limit on the digits.
     */
    private static int compareNumbers(String a, String b) {
        String x = leadingDigits(a), y = leadingDigits(b);
        if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
        if (x.length() != y.length()) return Integer.compare(x.length(), y.length());
        return x.compareTo(y);
    }

    private static String leadingDigits(String s) {
        int end = 0;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') end++;
        if (end == 0) return null;
        int start = 0;
        while (start < end - 1 && s.charAt(start) == '0') start++;
        return s.substring(start, end);
    }
}
