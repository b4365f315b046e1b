package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one command or test, split into tagged ones (RFC 5228 §2.6.2, any order, each at
 * most once) and positional ones, checked against what the command accepts.
 */
final class Arguments {

    /** What follows a tag: nothing, a string, a string list (a single string too), or a number. */
    enum Value { NONE, STRING, STRING_LIST, NUMBER }

    private final String command;
    private final SieveException.Position at;
    private final Map<String, Syntax.Argument> tags = new HashMap<>();
    private final Map<String, SieveException.Position> tagPositions = new HashMap<>();
    private final List<Syntax.Argument> positional = new ArrayList<>();
    private int next;

    /** @param allowed each tag the command takes, with its value; a group name maps tags that exclude each other */
    Arguments(String command, SieveException.Position at, List<Syntax.Argument> args, Map<String, Value> allowed, Map<String, String> groups)
            throws SieveException {
        this.command = command;
        this.at = at;
        Map<String, String> seenGroups = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            Syntax.Argument a = args.get(i);
            if (!(a instanceof Syntax.Tag tag)) {
                positional.add(a);
                continue;
            }
            if (!positional.isEmpty()) throw new SieveException(a.at(), "tag :" + tag.name() + " must come before the other arguments of " + command);
            Value value = allowed.get(tag.name());
            if (value == null) throw new SieveException(a.at(), "unknown tag :" + tag.name() + " for " + command);
            String group = groups.getOrDefault(tag.name(), tag.name());
            String earlier = seenGroups.put(group, tag.name());
            if (earlier != null) throw new SieveException(a.at(), "tag :" + tag.name() + " conflicts with :" + earlier + " in " + command);
            Syntax.Argument param = null;
            if (value != Value.NONE) {
                if (i + 1 >= args.size()) throw new SieveException(a.at(), "tag :" + tag.name() + " needs a value");
                param = args.get(++i);
                checkKind(param, value, ":" + tag.name());
            }
            tags.put(tag.name(), param == null ? tag : param);
            tagPositions.put(tag.name(), tag.at());
        }
    }

    boolean has(String tag) {
        return tags.containsKey(tag);
    }

    SieveException.Position tagAt(String tag) {
        return tagPositions.get(tag);
    }

    String string(String tag) {
        return tags.get(tag) instanceof Syntax.Strings s ? s.values().getFirst() : null;
    }

    List<String> strings(String tag) {
        return tags.get(tag) instanceof Syntax.Strings s ? s.values() : null;
    }

    Long number(String tag) {
        return tags.get(tag) instanceof Syntax.Number n ? n.value() : null;
    }

    int positionalCount() {
        return positional.size();
    }

    String nextString(String what) throws SieveException {
        Syntax.Argument a = nextArgument(what);
        checkKind(a, Value.STRING, what);
        return ((Syntax.Strings) a).values().getFirst();
    }

    List<String> nextStrings(String what) throws SieveException {
        Syntax.Argument a = nextArgument(what);
        checkKind(a, Value.STRING_LIST, what);
        return ((Syntax.Strings) a).values();
    }

    long nextNumber(String what) throws SieveException {
        Syntax.Argument a = nextArgument(what);
        checkKind(a, Value.NUMBER, what);
        return ((Syntax.Number) a).value();
    }

    /** Nothing left: "parse, then act" ends here. */
    void end() throws SieveException {
        if (next < positional.size()) throw new SieveException(positional.get(next).at(), "too many arguments for " + command);
    }

    private Syntax.Argument nextArgument(String what) throws SieveException {
        if (next >= positional.size()) throw new SieveException(at, command + " needs " + what);
        return positional.get(next++);
    }

    private void checkKind(Syntax.Argument a, Value want, String what) throws SieveException {
        boolean ok = switch (want) {
            case STRING -> a instanceof Syntax.Strings s && s.values().size() == 1 && !s.list();
            case STRING_LIST -> a instanceof Syntax.Strings;
            case NUMBER -> a instanceof Syntax.Number;
            case NONE -> true;
        };
        // RFC 5228 §2.4.2.1: a list of one string is allowed where a string is expected.
        if (!ok && want == Value.STRING && a instanceof Syntax.Strings s && s.values().size() == 1) ok = true;
        if (!ok) {
            String kind = switch (want) {
                case STRING -> "a string";
                case STRING_LIST -> "a string or string list";
                case NUMBER -> "a number";
                case NONE -> "nothing";
            };
            throw new SieveException(a.at(), what + " of " + command + " must be " + kind);
        }
    }
}
