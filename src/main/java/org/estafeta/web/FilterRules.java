package org.estafeta.web;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The webmail's simple filters and out-of-office reply, compiled to one Sieve script. Each rule is
 * also written as a comment line ("# estafeta-rule …") so that the page can read the rules back from
 * the stored script; a script edited by hand without those lines simply shows no simple rules.
 */
public record FilterRules(List<Rule> rules, Vacation vacation) {

    /** The name of the script the webmail writes and activates. */
    static final String SCRIPT = "webmail";

    public static final List<String> FIELDS = List.of("from", "to", "subject", "header");
    public static final List<String> MATCHES = List.of("contains", "is");
    public static final List<String> ACTIONS = List.of("move", "read", "flag", "forward", "discard");

    public FilterRules {
        rules = List.copyOf(rules);
    }

    /**
     * @param header the field name when {@code field} is "header"
     * @param argument the folder for "move", the address for "forward"
     */
    public record Rule(String field, String header, String match, String value, String action, String argument) {
    }

    /** @param from first day (inclusive) or null; @param until last day (inclusive) or null */
    public record Vacation(boolean on, LocalDate from, LocalDate until, String subject, String text) {
        static final Vacation OFF = new Vacation(false, null, null, "", "");
    }

    static FilterRules empty() {
        return new FilterRules(List.of(), Vacation.OFF);
    }

    /** Reads the rules back from the comment lines of a script the webmail wrote. */
    static FilterRules parse(String script) {
        List<Rule> rules = new ArrayList<>();
        Vacation vacation = Vacation.OFF;
        for (String line : script.split("\n")) {
            line = line.strip();
            if (line.startsWith("# estafeta-rule ")) {
                Map<String, String> f = fields(line.substring("# estafeta-rule ".length()));
                rules.add(new Rule(f.get("field"), f.get("header"), f.get("match"), f.get("value"), f.get("action"), f.get("argument")));
            } else if (line.startsWith("# estafeta-vacation ")) {
                Map<String, String> f = fields(line.substring("# estafeta-vacation ".length()));
                vacation = new Vacation("1".equals(f.get("on")), date(f.get("from")), date(f.get("until")), f.get("subject"), f.get("text"));
            }
        }
        return new FilterRules(rules, vacation);
    }

    FilterRules with(Rule rule) {
        List<Rule> more = new ArrayList<>(rules);
        more.add(rule);
        return new FilterRules(more, vacation);
    }

    FilterRules without(int index) {
        List<Rule> fewer = new ArrayList<>(rules);
        if (index >= 0 && index < fewer.size()) fewer.remove(index);
        return new FilterRules(fewer, vacation);
    }

    FilterRules with(Vacation v) {
        return new FilterRules(rules, v);
    }

    /** The Sieve script (RFC 5228) for these rules; the out-of-office reply comes first so that a discard rule does not hide it. */
    String toSieve() {
        StringBuilder sb = new StringBuilder("# Written by the Estafeta webmail (Filters and Out of office pages).\n");
        sb.append("require [\"fileinto\", \"imap4flags\", \"copy\", \"vacation\", \"date\", \"relational\"];\n");
        Map<String, String> v = new LinkedHashMap<>();
        v.put("on", vacation.on() ? "1" : "0");
        v.put("from", vacation.from() == null ? "" : vacation.from().toString());
        v.put("until", vacation.until() == null ? "" : vacation.until().toString());
        v.put("subject", vacation.subject());
        v.put("text", vacation.text());
        sb.append("# estafeta-vacation ").append(encode(v)).append('\n');
        if (vacation.on()) {
            List<String> tests = new ArrayList<>();
            if (vacation.from() != null) tests.add("currentdate :value \"ge\" \"date\" " + quote(vacation.from().toString()));
            if (vacation.until() != null) tests.add("currentdate :value \"le\" \"date\" " + quote(vacation.until().toString()));
            String reply = "vacation :days 1" + (vacation.subject().isBlank() ? "" : " :subject " + quote(vacation.subject())) + " "
                    + quote(vacation.text()) + ";";
            if (tests.isEmpty()) sb.append(reply).append('\n');
            else sb.append("if allof (").append(String.join(", ", tests)).append(") {\n  ").append(reply).append("\n}\n");
        }
        for (Rule r : rules) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("field", r.field());
            f.put("header", r.header());
            f.put("match", r.match());
            f.put("value", r.value());
            f.put("action", r.action());
            f.put("argument", r.argument());
            sb.append("# estafeta-rule ").append(encode(f)).append('\n');
            String headers = switch (r.field()) {
                case "from" -> "\"from\"";
                case "to" -> "[\"to\", \"cc\"]";
                case "subject" -> "\"subject\"";
                default -> quote(r.header());
            };
            String action = switch (r.action()) {
                case "move" -> "fileinto " + quote(r.argument()) + ";";
                case "read" -> "addflag \"\\\\Seen\";";
                case "flag" -> "addflag \"\\\\Flagged\";";
                case "forward" -> "redirect :copy " + quote(r.argument()) + ";";
                default -> "discard;\n  stop;";
            };
            sb.append("if header :").append(r.match()).append(' ').append(headers).append(' ').append(quote(r.value()))
                    .append(" {\n  ").append(action).append("\n}\n");
        }
        return sb.toString();
    }

    /** A Sieve quoted string (RFC 5228 §2.4.2): only \ and " need escaping. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String encode(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (var e : fields.entrySet()) {
            if (!sb.isEmpty()) sb.append('&');
            sb.append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private static Map<String, String> fields(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : encoded.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) out.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static LocalDate date(String s) {
        try {
            return s == null || s.isBlank() ? null : LocalDate.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
