package org.estafeta.mailauth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** SPF macro expansion (RFC 7208 §7). */
final class SpfMacros {

    private SpfMacros() {
    }

    /** Checks the syntax of a macro-string without expanding it (a bad macro is a permerror, §7.1). */
    static void validate(String spec) throws Spf.Outcome {
        expand(spec, null, "", true, null);
    }

    /**
     * Expands a domain-spec for {@code check}; a result longer than 253 characters loses labels on
     * the left until it fits (§7.3). With a null check only the syntax is checked.
     */
    static String expand(String spec, Spf.Check check, String domain, boolean explanation, Spf spf) throws Spf.Outcome {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= spec.length()) throw error("'%' at the end");
            char next = spec.charAt(i);
            switch (next) {
                case '%' -> out.append('%');
                case '_' -> out.append(' ');
                case '-' -> out.append("%20");
                case '{' -> {
                    int close = spec.indexOf('}', i);
                    if (close < 0) throw error("unclosed macro");
                    out.append(macro(spec.substring(i + 1, close), check, domain, explanation, spf));
                    i = close;
                }
                default -> throw error("bad macro %" + next);
            }
        }
        String result = out.toString();
        while (check != null && result.length() > 253 && result.indexOf('.') >= 0) result = result.substring(result.indexOf('.') + 1);
        return result;
    }

    private static String macro(String body, Spf.Check check, String domain, boolean explanation, Spf spf) throws Spf.Outcome {
        if (body.isEmpty()) throw error("empty macro");
        char letter = body.charAt(0);
        char lower = Character.toLowerCase(letter);
        if ("slodiphvcrt".indexOf(lower) < 0) throw error("unknown macro letter " + letter);
        if ("crt".indexOf(lower) >= 0 && !explanation) throw error("macro " + letter + " only allowed in exp");
        int at = 1;
        int digits = 0;
        while (at < body.length() && Character.isDigit(body.charAt(at))) at++;
        if (at > 1) {
            if (at - 1 > 3) throw error("macro digit count too long");
            digits = Integer.parseInt(body.substring(1, at));
            if (digits == 0) throw error("macro keeps zero labels");
        }
        boolean reverse = at < body.length() && Character.toLowerCase(body.charAt(at)) == 'r';
        if (reverse) at++;
        String delimiters = body.substring(at);
        for (char d : delimiters.toCharArray()) if (".-+,/_=".indexOf(d) < 0) throw error("bad macro delimiter " + d);
        if (check == null) return "";
        String value = value(lower, check, domain, spf);
        List<String> parts = new ArrayList<>(List.of(value.split("[" + java.util.regex.Pattern.quote(delimiters.isEmpty() ? "." : delimiters) + "]", -1)));
        if (reverse) Collections.reverse(parts);
        if (digits > 0 && digits < parts.size()) parts = parts.subList(parts.size() - digits, parts.size());
        String joined = String.join(".", parts);
        // §7.3: upper-case macro letters are URL-escaped.
        return Character.isUpperCase(letter) ? URLEncoder.encode(joined, StandardCharsets.UTF_8).replace("+", "%20") : joined;
    }

    private static String value(char letter, Spf.Check check, String domain, Spf spf) throws Spf.Outcome {
        String sender = check.sender;
        int at = sender.lastIndexOf('@');
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> at <= 0 ? "postmaster" : sender.substring(0, at);
            case 'o' -> sender.substring(at + 1);
            case 'd' -> domain;
            case 'i', 'c' -> letter == 'c' ? check.ip.getHostAddress() : dotted(check.ip);
            case 'p' -> {
                String name = spf.validatedName(check, domain);
                yield name == null ? "unknown" : name;
            }
            case 'v' -> check.ip instanceof Inet4Address ? "in-addr" : "ip6";
            case 'h' -> check.helo;
            case 'r' -> "unknown";
            case 't' -> String.valueOf(System.currentTimeMillis() / 1000);
            default -> throw error("unknown macro letter " + letter);
        };
    }

    /** %{i}: IPv4 as usual, IPv6 as 32 dot-separated nibbles (§7.3). */
    private static String dotted(InetAddress ip) {
        if (ip instanceof Inet4Address) return ip.getHostAddress();
        StringBuilder out = new StringBuilder();
        for (byte b : ip.getAddress()) {
            if (!out.isEmpty()) out.append('.');
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append('.').append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static Spf.Outcome error(String why) {
        return new Spf.Outcome(Spf.Result.PERMERROR, why);
    }
}
