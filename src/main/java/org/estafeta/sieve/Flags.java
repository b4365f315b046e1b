package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.estafeta.store.Flag;

/**
 * IMAP flag lists as imap4flags sees them (RFC 5232 §3): space-separated, no duplicates, case-insensitive.
 * A word that is no IMAP flag (a keyword is an atom, a system flag a backslash and one) is ignored: a
 * variable can fill a flag from the message, and a control character or a parenthesis stored as a
 * keyword would break every client's FETCH FLAGS.
 */
final class Flags {

    private Flags() {
    }

    static List<String> parse(String value) {
        return parse(List.of(value));
    }

    static List<String> parse(List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            for (String f : v.trim().split("\\s+")) {
                if (Flag.isFlagName(f)) out.putIfAbsent(f.toLowerCase(Locale.ROOT), f);
            }
        }
        return new ArrayList<>(out.values());
    }

    static List<String> union(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return parse(all);
    }

    static List<String> minus(List<String> a, List<String> b) {
        List<String> gone = b.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList();
        return a.stream().filter(f -> !gone.contains(f.toLowerCase(Locale.ROOT))).toList();
    }
}
