package org.estafeta.sieve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives meaning to the parsed tree: checks {@code require} (RFC 5228 §3.2), each command's and test's
 * arguments, and which extensions they need, and builds a {@link Script}. Every error names the line
 * and column, so a script that does not compile is refused when uploaded.
 */
public final class Compiler {

    /** The capabilities we implement, as announced by ManageSieve's SIEVE capability. */
    public static final List<String> EXTENSIONS = List.of("fileinto", "reject", "ereject", "envelope", "body", "variables", "vacation",
            "imap4flags", "relational", "comparator-i;ascii-numeric", "comparator-i;octet", "comparator-i;ascii-casemap", "copy", "mailbox");

    /** Tags that exclude each other: one match type, one address part, one body transform. */
    private static final Map<String, String> MATCH_GROUPS = Map.ofEntries(
            Map.entry("is", "match"), Map.entry("contains", "match"), Map.entry("matches", "match"), Map.entry("value", "match"),
            Map.entry("count", "match"), Map.entry("all", "part"), Map.entry("localpart", "part"), Map.entry("domain", "part"),
            Map.entry("raw", "transform"), Map.entry("content", "transform"), Map.entry("text", "transform"));
    private static final Map<String, Arguments.Value> MATCH_TAGS = Map.of(
            "comparator", Arguments.Value.STRING, "is", Arguments.Value.NONE, "contains", Arguments.Value.NONE,
            "matches", Arguments.Value.NONE, "value", Arguments.Value.STRING, "count", Arguments.Value.STRING);

    private final SieveLimits limits;
    private final Set<String> required = new HashSet<>();

    private Compiler(SieveLimits limits) {
        this.limits = limits;
    }

    public static Script compile(String script, SieveLimits limits) throws SieveException {
        if (script.getBytes(StandardCharsets.UTF_8).length > limits.maxScriptBytes()) {
            throw new SieveException(1, 1, "script larger than " + limits.maxScriptBytes() + " bytes (limits.sieve_script)");
        }
        Compiler c = new Compiler(limits);
        List<Syntax.Command> parsed = Parser.parse(script, limits.maxNesting());
        int first = 0;
        while (first < parsed.size() && parsed.get(first).name().equals("require")) c.require(parsed.get(first++));
        return new Script(c.block(parsed.subList(first, parsed.size())), c.required);
    }

    /** Compiles without keeping the result: the "does it compile" of PUTSCRIPT and CHECKSCRIPT. */
    public static void check(String script, SieveLimits limits) throws SieveException {
        compile(script, limits);
    }

    private void require(Syntax.Command c) throws SieveException {
        Arguments a = new Arguments("require", c.at(), c.arguments(), Map.of(), Map.of());
        List<String> names = a.nextStrings("a capability list");
        a.end();
        noBlock(c);
        for (String name : names) {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            if (!EXTENSIONS.contains(n)) throw new SieveException(c.at(), "unsupported extension '" + clean(name) + "'");
            required.add(n);
        }
    }

    private List<Script.Command> block(List<Syntax.Command> commands) throws SieveException {
        List<Script.Command> out = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            Syntax.Command c = commands.get(i);
            if (c.name().equals("if")) {
                List<Script.Branch> branches = new ArrayList<>();
                branches.add(branch(c));
                List<Script.Command> otherwise = List.of();
                while (i + 1 < commands.size() && commands.get(i + 1).name().equals("elsif")) branches.add(branch(commands.get(++i)));
                if (i + 1 < commands.size() && commands.get(i + 1).name().equals("else")) {
                    Syntax.Command e = commands.get(++i);
                    if (!e.arguments().isEmpty() || !e.tests().isEmpty()) throw new SieveException(e.at(), "else takes no test");
                    if (e.block() == null) throw new SieveException(e.at(), "else needs a block");
                    otherwise = block(e.block());
                }
                out.add(new Script.If(branches, otherwise));
            } else {
                out.add(command(c));
            }
        }
        return out;
    }

    private Script.Branch branch(Syntax.Command c) throws SieveException {
        if (!c.arguments().isEmpty() || c.tests().size() != 1) throw new SieveException(c.at(), c.name() + " needs exactly one test");
        if (c.block() == null) throw new SieveException(c.at(), c.name() + " needs a block");
        return new Script.Branch(test(c.tests().getFirst()), block(c.block()));
    }

    private Script.Command command(Syntax.Command c) throws SieveException {
        if (!c.name().equals("if") && !c.tests().isEmpty()) throw new SieveException(c.at(), c.name() + " takes no test");
        if (c.block() != null) throw new SieveException(c.at(), c.name() + " takes no block");
        return switch (c.name()) {
            case "require" -> throw new SieveException(c.at(), "require must come before any other command (RFC 5228 §3.2)");
            case "elsif", "else" -> throw new SieveException(c.at(), c.name() + " without a preceding if");
            case "stop" -> simple(c, new Script.Stop());
            case "discard" -> simple(c, new Script.Discard());
            case "keep" -> {
                Arguments a = args(c, Map.of("flags", Arguments.Value.STRING_LIST), Map.of());
                a.end();
                yield new Script.Keep(flags(a));
            }
            case "fileinto" -> {
                need(c, "fileinto");
                Arguments a = args(c, Map.of("copy", Arguments.Value.NONE, "create", Arguments.Value.NONE, "flags", Arguments.Value.STRING_LIST), Map.of());
                String mailbox = a.nextString("a mailbox name");
                a.end();
                yield new Script.FileInto(mailbox, copy(a), create(a), flags(a), c.at());
            }
            case "redirect" -> {
                Arguments a = args(c, Map.of("copy", Arguments.Value.NONE), Map.of());
                String address = a.nextString("an address");
                a.end();
                if (!address.contains("${") && !Addresses.isMailbox(address)) throw new SieveException(c.at(), "redirect to an invalid address");
                yield new Script.Redirect(address, copy(a), c.at());
            }
            case "reject", "ereject" -> {
                need(c, c.name());
                Arguments a = args(c, Map.of(), Map.of());
                String reason = a.nextString("a reason");
                a.end();
                yield new Script.Reject(reason, c.name().equals("ereject"), c.at());
            }
            case "set" -> set(c);
            case "setflag", "addflag", "removeflag" -> {
                need(c, "imap4flags");
                Arguments a = args(c, Map.of(), Map.of());
                String variable = null;
                if (a.positionalCount() == 2) variable = variableName(c, a.nextString("a variable name"));
                List<String> flags = a.nextStrings("a flag list");
                a.end();
                Script.FlagOp op = switch (c.name()) {
                    case "setflag" -> Script.FlagOp.SET;
                    case "addflag" -> Script.FlagOp.ADD;
                    default -> Script.FlagOp.REMOVE;
                };
                yield new Script.Flags(op, variable, flags);
            }
            case "vacation" -> vacation(c);
            default -> throw new SieveException(c.at(), "unknown command '" + clean(c.name()) + "'");
        };
    }

    private Script.Command simple(Syntax.Command c, Script.Command command) throws SieveException {
        args(c, Map.of(), Map.of()).end();
        return command;
    }

    private Script.Command set(Syntax.Command c) throws SieveException {
        need(c, "variables");
        List<String> order = List.of("lower", "upper", "lowerfirst", "upperfirst", "quotewildcard", "length");
        Map<String, Arguments.Value> tags = new java.util.HashMap<>();
        for (String m : order) tags.put(m, Arguments.Value.NONE);
        // RFC 5229 §4.1: modifiers of the same precedence cannot be combined.
        Arguments a = args(c, tags, Map.of("lower", "case", "upper", "case", "lowerfirst", "first", "upperfirst", "first"));
        String name = variableName(c, a.nextString("a variable name"));
        String value = a.nextString("a value");
        a.end();
        List<String> modifiers = order.stream().filter(a::has).toList();
        return new Script.Set(name, value, modifiers);
    }

    private Script.Command vacation(Syntax.Command c) throws SieveException {
        need(c, "vacation");
        Arguments a = args(c, Map.of("days", Arguments.Value.NUMBER, "subject", Arguments.Value.STRING, "from", Arguments.Value.STRING,
                "addresses", Arguments.Value.STRING_LIST, "mime", Arguments.Value.NONE, "handle", Arguments.Value.STRING), Map.of());
        String reason = a.nextString("a reason");
        a.end();
        Long days = a.number("days");
        String from = a.string("from");
        if (from != null && !from.contains("${") && Addresses.parse(from).isEmpty()) {
            throw new SieveException(a.tagAt("from"), "vacation :from is not a valid address");
        }
        return new Script.Vacation(days == null ? null : days * 86400, a.string("subject"), from, a.strings("addresses"), a.has("mime"),
                a.string("handle"), reason, c.at());
    }

    private Script.Test test(Syntax.Test t) throws SieveException {
        return switch (t.name()) {
            case "true", "false" -> {
                noTests(t);
                new Arguments(t.name(), t.at(), t.arguments(), Map.of(), Map.of()).end();
                yield new Script.Constant(t.name().equals("true"));
            }
            case "not" -> {
                if (!t.arguments().isEmpty() || t.tests().size() != 1) throw new SieveException(t.at(), "not takes one test");
                yield new Script.Not(test(t.tests().getFirst()));
            }
            case "allof", "anyof" -> {
                if (!t.arguments().isEmpty() || t.tests().isEmpty()) throw new SieveException(t.at(), t.name() + " takes a list of tests");
                List<Script.Test> tests = new ArrayList<>();
                for (Syntax.Test inner : t.tests()) tests.add(test(inner));
                yield t.name().equals("allof") ? new Script.AllOf(tests) : new Script.AnyOf(tests);
            }
            case "exists" -> {
                Arguments a = testArgs(t, Map.of(), Map.of());
                List<String> headers = a.nextStrings("a header list");
                a.end();
                yield new Script.Exists(headers);
            }
            case "size" -> {
                Arguments a = testArgs(t, Map.of("over", Arguments.Value.NONE, "under", Arguments.Value.NONE), Map.of("over", "size", "under", "size"));
                if (!a.has("over") && !a.has("under")) throw new SieveException(t.at(), "size needs :over or :under");
                long limit = a.nextNumber("a size");
                a.end();
                yield new Script.Size(a.has("over"), limit);
            }
            case "header" -> {
                Arguments a = testArgs(t, MATCH_TAGS, MATCH_GROUPS);
                Script.Match m = match(t, a);
                List<String> headers = a.nextStrings("a header list");
                List<String> keys = a.nextStrings("a key list");
                a.end();
                yield new Script.Header(m, headers, keys);
            }
            case "address", "envelope" -> {
                if (t.name().equals("envelope")) need(t.at(), "envelope");
                Map<String, Arguments.Value> tags = new java.util.HashMap<>(MATCH_TAGS);
                for (String p : List.of("all", "localpart", "domain")) tags.put(p, Arguments.Value.NONE);
                Arguments a = testArgs(t, tags, MATCH_GROUPS);
                Script.Match m = match(t, a);
                Script.AddressPart part = a.has("localpart") ? Script.AddressPart.LOCALPART : a.has("domain") ? Script.AddressPart.DOMAIN : Script.AddressPart.ALL;
                List<String> headers = a.nextStrings(t.name().equals("envelope") ? "an envelope part list" : "a header list");
                List<String> keys = a.nextStrings("a key list");
                a.end();
                if (t.name().equals("address")) yield new Script.Address(m, part, headers, keys);
                for (String p : headers) {
                    if (!p.equalsIgnoreCase("from") && !p.equalsIgnoreCase("to")) throw new SieveException(t.at(), "unknown envelope part '" + clean(p) + "'");
                }
                yield new Script.Envelope(m, part, headers, keys);
            }
            case "body" -> {
                need(t.at(), "body");
                Map<String, Arguments.Value> tags = new java.util.HashMap<>(MATCH_TAGS);
                tags.put("raw", Arguments.Value.NONE);
                tags.put("content", Arguments.Value.STRING_LIST);
                tags.put("text", Arguments.Value.NONE);
                Arguments a = testArgs(t, tags, MATCH_GROUPS);
                Script.Match m = match(t, a);
                Script.BodyTransform tr = a.has("raw") ? Script.BodyTransform.RAW : a.has("content") ? Script.BodyTransform.CONTENT : Script.BodyTransform.TEXT;
                List<String> keys = a.nextStrings("a key list");
                a.end();
                yield new Script.Body(m, tr, a.has("content") ? a.strings("content") : List.of(), keys);
            }
            case "string" -> {
                need(t.at(), "variables");
                Arguments a = testArgs(t, MATCH_TAGS, MATCH_GROUPS);
                Script.Match m = match(t, a);
                List<String> sources = a.nextStrings("a source list");
                List<String> keys = a.nextStrings("a key list");
                a.end();
                yield new Script.StringTest(m, sources, keys);
            }
            case "hasflag" -> {
                need(t.at(), "imap4flags");
                Arguments a = testArgs(t, MATCH_TAGS, MATCH_GROUPS);
                Script.Match m = match(t, a);
                List<String> variables = null;
                if (a.positionalCount() == 2) {
                    variables = new ArrayList<>();
                    for (String v : a.nextStrings("a variable list")) variables.add(variableName(t.at(), v));
                }
                List<String> keys = a.nextStrings("a flag list");
                a.end();
                yield new Script.HasFlag(m, variables, keys);
            }
            case "mailboxexists" -> {
                need(t.at(), "mailbox");
                Arguments a = testArgs(t, Map.of(), Map.of());
                List<String> names = a.nextStrings("a mailbox list");
                a.end();
                yield new Script.MailboxExists(names);
            }
            default -> throw new SieveException(t.at(), "unknown test '" + clean(t.name()) + "'");
        };
    }

    private Script.Match match(Syntax.Test t, Arguments a) throws SieveException {
        Comparator comparator = Comparator.ASCII_CASEMAP;
        if (a.has("comparator")) {
            String name = a.string("comparator");
            comparator = Comparator.named(name);
            if (comparator == null || !required.contains("comparator-" + comparator.name) && comparator == Comparator.ASCII_NUMERIC) {
                throw new SieveException(a.tagAt("comparator"), "unknown comparator '" + clean(name) + "' (is it in require?)");
            }
        }
        Script.MatchType type = Script.MatchType.IS;
        Relation relation = null;
        for (Script.MatchType mt : Script.MatchType.values()) {
            String tag = mt.name().toLowerCase(java.util.Locale.ROOT);
            if (a.has(tag)) type = mt;
        }
        if (type == Script.MatchType.VALUE || type == Script.MatchType.COUNT) {
            String tag = type.name().toLowerCase(java.util.Locale.ROOT);
            need(a.tagAt(tag), "relational");
            relation = Relation.of(a.string(tag));
            if (relation == null) throw new SieveException(a.tagAt(tag), "unknown relation '" + clean(a.string(tag)) + "' (gt, ge, lt, le, eq, ne)");
        }
        if ((type == Script.MatchType.CONTAINS || type == Script.MatchType.MATCHES) && !comparator.substringMatching()) {
            throw new SieveException(t.at(), "comparator " + comparator.name + " cannot do :" + type.name().toLowerCase(java.util.Locale.ROOT));
        }
        return new Script.Match(comparator, type, relation);
    }

    private Arguments args(Syntax.Command c, Map<String, Arguments.Value> tags, Map<String, String> groups) throws SieveException {
        return new Arguments(c.name(), c.at(), c.arguments(), tags, groups);
    }

    private Arguments testArgs(Syntax.Test t, Map<String, Arguments.Value> tags, Map<String, String> groups) throws SieveException {
        noTests(t);
        return new Arguments(t.name(), t.at(), t.arguments(), tags, groups);
    }

    private static void noTests(Syntax.Test t) throws SieveException {
        if (!t.tests().isEmpty()) throw new SieveException(t.at(), t.name() + " takes no nested test");
    }

    private static void noBlock(Syntax.Command c) throws SieveException {
        if (c.block() != null) throw new SieveException(c.at(), c.name() + " takes no block");
    }

    private List<String> flags(Arguments a) throws SieveException {
        if (!a.has("flags")) return null;
        need(a.tagAt("flags"), "imap4flags");
        return a.strings("flags");
    }

    private boolean copy(Arguments a) throws SieveException {
        if (a.has("copy")) need(a.tagAt("copy"), "copy");
        return a.has("copy");
    }

    private boolean create(Arguments a) throws SieveException {
        if (a.has("create")) need(a.tagAt("create"), "mailbox");
        return a.has("create");
    }

    private void need(Syntax.Command c, String extension) throws SieveException {
        need(c.at(), extension);
    }

    private void need(SieveException.Position at, String extension) throws SieveException {
        if (!required.contains(extension)) throw new SieveException(at, "'" + extension + "' is used but not in require");
    }

    private String variableName(Syntax.Command c, String name) throws SieveException {
        return variableName(c.at(), name);
    }

    /** RFC 5229 §3: identifier syntax; namespaces (with '.') are not offered. */
    private static String variableName(SieveException.Position at, String name) throws SieveException {
        if (!Variables.isIdentifier(name)) throw new SieveException(at, "invalid variable name '" + clean(name) + "'");
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** Client text echoed in an error: printable and short. */
    static String clean(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 60 ? t.substring(0, 60) + "…" : t;
    }
}
