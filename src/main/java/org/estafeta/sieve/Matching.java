package org.estafeta.sieve;

import java.util.List;

/** Match types against values (RFC 5228 §2.7, RFC 5231 §4), setting the match variables of RFC 5229 §3.2. */
final class Matching {

    private final Variables variables;

    Matching(Variables variables) {
        this.variables = variables;
    }

    boolean test(Script.Match m, List<String> values, List<String> keys) {
        Comparator c = m.comparator();
        if (m.type() == Script.MatchType.COUNT) {
            String count = String.valueOf(values.size());
            for (String key : keys) if (m.relation().holds(c.compare(count, key))) return true;
            return false;
        }
        for (String value : values) {
            for (String key : keys) {
                switch (m.type()) {
                    case IS -> {
                        if (c.compare(value, key) == 0) return true;
                    }
                    case CONTAINS -> {
                        if (c.contains(value, key)) return true;
                    }
                    case VALUE -> {
                        if (m.relation().holds(c.compare(value, key))) return true;
                    }
                    case MATCHES -> {
                        List<String> groups = Wildcard.match(value, key, c);
                        if (groups != null) {
                            variables.matched(groups);
                            return true;
                        }
                    }
                    case COUNT -> throw new IllegalStateException();
                }
            }
        }
        return false;
    }
}
