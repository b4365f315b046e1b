package org.estafeta.mailauth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An SPF record's terms (RFC 7208 §4.6, §5, §6), parsed before anything is evaluated: a syntax error
 * anywhere is a permerror even if an earlier mechanism would have matched (§4.6).
 */
record SpfRecord(List<Directive> directives, String redirect, String explanation) {

    /**
     * One directive; {@code network} only for ip4/ip6; the CIDR lengths default to the whole address.
     */
    record Directive(Spf.Result qualifier, String mechanism, String domainSpec, InetAddress network, int cidr4, int cidr6) {
    }

    static SpfRecord parse(String record) throws Spf.Outcome {
        List<Directive> directives = new ArrayList<>();
        String redirect = null, explanation = null;
        if (!record.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) throw error("record has characters outside ASCII");
        String[] terms = record.substring(6).split(" ");
        for (String term : terms) {
            if (term.isEmpty()) continue;
            int eq = term.indexOf('='), colon = term.indexOf(':'), slash = term.indexOf('/');
            boolean modifier = eq > 0 && (colon < 0 || eq < colon) && (slash < 0 || eq < slash)
                    && term.substring(0, eq).matches("[A-Za-z][A-Za-z0-9._-]*");
            if (modifier) {
                String name = term.substring(0, eq).toLowerCase(Locale.ROOT), value = term.substring(eq + 1);
                SpfMacros.validate(value);
                switch (name) {
                    case "redirect" -> {
                        if (redirect != null) throw error("two redirect= modifiers");
                        redirect = domainSpec(value);
                    }
                    case "exp" -> {
                        if (explanation != null) throw error("two exp= modifiers");
                        explanation = domainSpec(value);
                    }
                    default -> { } // §6: unknown modifiers are ignored
                }
                continue;
            }
            directives.add(directive(term));
        }
        return new SpfRecord(List.copyOf(directives), redirect, explanation);
    }

    private static Directive directive(String term) throws Spf.Outcome {
        Spf.Result qualifier = switch (term.charAt(0)) {
            case '+' -> Spf.Result.PASS;
            case '-' -> Spf.Result.FAIL;
            case '~' -> Spf.Result.SOFTFAIL;
            case '?' -> Spf.Result.NEUTRAL;
            default -> null;
        };
        String rest = qualifier == null ? term : term.substring(1);
        if (qualifier == null) qualifier = Spf.Result.PASS;
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/') end++;
        String name = rest.substring(0, end).toLowerCase(Locale.ROOT);
        String arg = end < rest.length() && rest.charAt(end) == ':' ? rest.substring(end + 1) : null;
        String cidr = end < rest.length() && rest.charAt(end) == '/' ? rest.substring(end) : null;
        switch (name) {
            case "all" -> {
                if (arg != null || cidr != null) throw error("all takes no argument");
                return new Directive(qualifier, name, null, null, 32, 128);
            }
            case "include", "exists" -> {
                if (arg == null || arg.isEmpty() || cidr != null) throw error(name + " needs a domain");
                return new Directive(qualifier, name, domainSpec(arg), null, 32, 128);
            }
            case "ptr" -> {
                if (cidr != null) throw error("ptr takes no CIDR length");
                return new Directive(qualifier, name, arg == null ? null : domainSpec(arg), null, 32, 128);
            }
            case "a", "mx" -> {
                String spec = arg;
                if (arg != null) {
                    int s = slashOutsideMacro(arg);
                    if (s >= 0) {
                        spec = arg.substring(0, s);
                        cidr = arg.substring(s);
                    }
                    if (spec.isEmpty()) throw error(name + ": empty domain");
                }
                int[] lengths = dualCidr(cidr);
                return new Directive(qualifier, name, spec == null ? null : domainSpec(spec), null, lengths[0], lengths[1]);
            }
            case "ip4", "ip6" -> {
                if (arg == null) throw error(name + " needs an address");
                int s = arg.indexOf('/');
                String address = s < 0 ? arg : arg.substring(0, s);
                boolean v4 = name.equals("ip4");
                int max = v4 ? 32 : 128;
                int length = s < 0 ? max : number(arg.substring(s + 1), max);
                InetAddress network = literal(address, v4);
                return new Directive(qualifier, name, null, network, v4 ? length : 32, v4 ? 128 : length);
            }
            default -> throw error("unknown mechanism " + TagList.clip(name));
        }
    }

    /** "/n", "//n" or "/n//m" (§5.6 dual-cidr-length). */
    private static int[] dualCidr(String cidr) throws Spf.Outcome {
        int[] lengths = {32, 128};
        if (cidr == null) return lengths;
        int v6 = cidr.indexOf("//");
        String four = v6 < 0 ? cidr : cidr.substring(0, v6);
        if (!four.isEmpty()) {
            if (!four.startsWith("/")) throw error("bad CIDR length");
            lengths[0] = number(four.substring(1), 32);
        }
        if (v6 >= 0) lengths[1] = number(cidr.substring(v6 + 2), 128);
        return lengths;
    }

    private static int number(String s, int max) throws Spf.Outcome {
        // §5.6: no leading zeros, at most the address width.
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit) || (s.length() > 1 && s.charAt(0) == '0')) {
            throw error("bad CIDR length " + TagList.clip(s));
        }
        int n = Integer.parseInt(s);
        if (n > max) throw error("CIDR length " + n + " too long");
        return n;
    }

    private static InetAddress literal(String address, boolean v4) throws Spf.Outcome {
        boolean ok = v4 ? address.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")
                : address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!ok) throw error("bad address " + TagList.clip(address));
        try {
            InetAddress a = InetAddress.getByName(address);
            if (v4 != (a instanceof java.net.Inet4Address)) throw error("bad address " + TagList.clip(address));
            return a;
        } catch (UnknownHostException e) {
            throw error("bad address " + TagList.clip(address));
        }
    }

    private static int slashOutsideMacro(String s) {
        boolean inMacro = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 1 < s.length() && s.charAt(i + 1) == '{') inMacro = true;
            else if (c == '}') inMacro = false;
            else if (c == '/' && !inMacro) return i;
        }
        return -1;
    }

    /** §4.6.1 / §7.1: a domain-spec is a macro-string ending in a top label or a macro. */
    private static String domainSpec(String spec) throws Spf.Outcome {
        SpfMacros.validate(spec);
        if (spec.endsWith("}")) return spec;
        String trimmed = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        int dot = trimmed.lastIndexOf('.');
        String top = trimmed.substring(dot + 1);
        // toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
        if (dot < 0 || top.isEmpty() || !top.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?") || top.chars().allMatch(Character::isDigit)) {
            throw error("bad domain " + TagList.clip(spec));
        }
        return spec;
    }

    private static Spf.Outcome error(String why) {
        return new Spf.Outcome(Spf.Result.PERMERROR, why);
    }
}
