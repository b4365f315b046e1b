package org.estafeta.mailauth;

import java.util.List;
import java.util.Locale;

/**
 * The author's domain: the domain of the address in the one From field (RFC 7489 §3.1.1, §6.6.1),
 * which DMARC protects and DKIM signing is done for. Null when there is no From, more than one, or
 * the field names addresses in more than one domain: such a message has no single author to vouch for.
 */
final class AuthorDomain {

    private AuthorDomain() {
    }

    static String of(List<HeaderField> headers) {
        List<HeaderField> from = headers.stream().filter(h -> h.is("From")).toList();
        if (from.size() != 1) return null;
        String domain = null;
        for (String d : domains(from.getFirst().value())) {
            if (domain != null && !domain.equals(d)) return null;
            domain = d;
        }
        return domain;
    }

    /**
     * Every {@code @domain} of the field's addresses, reading past quoted strings and comments (RFC 5322
     * §3.2.2, §3.2.4), where an {@code @} is only text.
     */
    private static List<String> domains(String value) {
        StringBuilder plain = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && (quoted || depth > 0)) {
                i++;
            } else if (quoted) {
                if (c == '"') quoted = false;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                if (c == '"') quoted = true;
                else plain.append(c);
            }
        }
        List<String> out = new java.util.ArrayList<>();
        String s = plain.toString();
        for (int at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
            int end = at + 1;
            while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '.' || s.charAt(end) == '-')) end++;
            String d = Spf.stripDot(s.substring(at + 1, end).toLowerCase(Locale.ROOT));
            if (!d.isEmpty()) out.add(d);
        }
        return out;
    }
}
