package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.List;

/**
 * :matches (RFC 5228 §2.7.1): '*' any run, '?' one character, '\' escapes. Each '*' takes as little
 * as it can, so the last one gets the rest, which is what RFC 5229 §3.2's example shows for the match
 * variables. Backtracks only to the latest '*', so the cost is at most value × pattern steps: no
 * pattern can blow up.
 */
final class Wildcard {

    private static final int STAR = -1;
    private static final int ONE = -2;

    private Wildcard() {
    }

    /** The match variables (${0} the whole value, then one per wildcard), or null when it does not match. */
    static List<String> match(String value, String pattern, Comparator comparator) {
        int[] tokens = tokens(pattern);
        int wildcards = 0;
        int[] wildcardIndex = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) if (tokens[i] < 0) wildcardIndex[i] = wildcards++;
        int[] from = new int[wildcards], to = new int[wildcards];
        int n = value.length(), p = 0, v = 0, starP = -1, starV = -1;
        while (v < n) {
            if (p < tokens.length && tokens[p] == ONE) {
                from[wildcardIndex[p]] = v;
                to[wildcardIndex[p]] = v + 1;
                p++;
                v++;
            } else if (p < tokens.length && tokens[p] == STAR) {
                starP = p;
                starV = v;
                from[wildcardIndex[p]] = v;
                to[wildcardIndex[p]] = v;
                p++;
            } else if (p < tokens.length && comparator.same((char) tokens[p], value.charAt(v))) {
                p++;
                v++;
            } else if (starP >= 0) {
                starV++;
                to[wildcardIndex[starP]] = starV;
                v = starV;
                p = starP + 1;
            } else {
                return null;
            }
        }
        while (p < tokens.length && tokens[p] == STAR) {
            from[wildcardIndex[p]] = n;
            to[wildcardIndex[p]] = n;
            p++;
        }
        if (p != tokens.length) return null;
        List<String> groups = new ArrayList<>(wildcards + 1);
        groups.add(value);
        for (int i = 0; i < wildcards && i < 9; i++) groups.add(value.substring(from[i], to[i]));
        return groups;
    }

    private static int[] tokens(String pattern) {
        int[] out = new int[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) out[n++] = pattern.charAt(++i);
            else if (c == '*') out[n++] = STAR;
            else if (c == '?') out[n++] = ONE;
            else out[n++] = c;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
