package org.estafeta.smtp;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** The DSN extension's parameter syntax (RFC 3461 §4): xtext, NOTIFY and ORCPT. */
public final class Xtext {

    private Xtext() {
    }

    /** xtext: printable ASCII except '+' and '=', which appear only as "+XX" hex escapes. */
    public static boolean isValid(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) return false;
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return false;
            }
        }
        return true;
    }

    /** Encodes for use as xtext. */
    public static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c < 33 || c > 126 || c == '+' || c == '=') sb.append('+').append(String.format("%02X", (int) c & 0xff));
            else sb.append(c);
        }
        return sb.toString();
    }

    /** NOTIFY=NEVER, or a list of SUCCESS, FAILURE, DELAY (§4.1); returned upper-case. Empty items ("," alone, a trailing comma) are refused. */
    public static String notify(String value) throws SmtpException {
        Set<String> items = new LinkedHashSet<>(Arrays.asList(value.toUpperCase(Locale.ROOT).split(",", -1)));
        boolean ok = !value.isEmpty() && (items.equals(Set.of("NEVER"))
                || Set.of("SUCCESS", "FAILURE", "DELAY").containsAll(items));
        if (!ok) throw new SmtpException(501, "5.5.4", "Error: NOTIFY must be NEVER or SUCCESS, FAILURE, DELAY");
        return String.join(",", items);
    }

    /** ORCPT=addr-type;xtext (§4.2). */
    public static String orcpt(String value) throws SmtpException {
        int semi = value.indexOf(';');
        if (semi <= 0 || semi == value.length() - 1 || value.length() > 500 || !isValid(value.substring(semi + 1))) {
            throw new SmtpException(501, "5.5.4", "Error: ORCPT must be addr-type;xtext");
        }
        return value;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }
}
