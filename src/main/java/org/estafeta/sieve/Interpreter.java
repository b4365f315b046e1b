package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a compiled script on one message for one recipient (RFC 5228 §2.10). Pure: it reads the
 * message and the context and returns an {@link Outcome}; delivery carries the actions out. Any
 * runtime failure — a limit passed, conflicting actions — discards the script's actions and keeps
 * the message in INBOX (RFC 5228 §2.10.6), with the reason in {@link Outcome#error()}.
 */
public final class Interpreter {

    private final SieveMessage message;
    private final Context context;
    private final SieveLimits limits;
    private final Variables variables;
    private final Matching matching;
    /** The internal flags variable of RFC 5232 §3. */
    private List<String> flags = List.of();
    /** Actions by what they act on, so a second fileinto to the same folder adds nothing (RFC 5228 §2.10.3). */
    private final Map<String, Action> actions = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private boolean implicitKeep = true;
    private boolean rejected;
    private boolean vacationSeen;
    private int redirects;
    private int steps;

    private Interpreter(Script script, SieveMessage message, Context context, SieveLimits limits) {
        this.message = message;
        this.context = context;
        this.limits = limits;
        this.variables = new Variables(script.extensions().contains("variables"), limits.maxVariableBytes());
        this.matching = new Matching(variables);
    }

    public static Outcome run(Script script, SieveMessage message, Context context, SieveLimits limits) {
        Interpreter run = new Interpreter(script, message, context, limits);
        try {
            run.block(script.commands());
        } catch (Failure e) {
            return Outcome.failed(e.getMessage(), run.notes);
        } catch (RuntimeException e) {
            // A message the MIME parser chokes on must still be delivered: implicit keep.
            return Outcome.failed("cannot read the message: " + e, run.notes);
        }
        List<Action> out = new ArrayList<>(run.actions.values());
        if (run.implicitKeep && !run.actions.containsKey("keep")) out.addFirst(new Action.Keep(run.flags));
        return new Outcome(out, null, run.notes);
    }

    /** A runtime error: the script's actions are void, the message is kept. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** Returns false when {@code stop} ran. */
    private boolean block(List<Script.Command> commands) {
        for (Script.Command c : commands) {
            step();
            if (!command(c)) return false;
        }
        return true;
    }

    private void step() {
        if (++steps > limits.maxSteps()) throw new Failure("more than " + limits.maxSteps() + " steps");
    }

    private boolean command(Script.Command c) {
        switch (c) {
            case Script.If i -> {
                for (Script.Branch b : i.branches()) {
                    if (test(b.test())) return block(b.block());
                }
                return block(i.otherwise());
            }
            case Script.Stop s -> {
                return false;
            }
            case Script.Keep k -> {
                store("keep", new Action.Keep(flagList(k.flags())));
                implicitKeep = false;
            }
            case Script.Discard d -> implicitKeep = false;
            case Script.FileInto f -> {
                String mailbox = expand(f.mailbox());
                if (mailbox.isEmpty()) throw new Failure("fileinto an empty mailbox name");
                List<String> fl = flagList(f.flags());
                if (mailbox.equalsIgnoreCase("INBOX")) store("keep", new Action.Keep(fl));
                else store("fileinto:" + mailbox, new Action.FileInto(mailbox, fl, f.create()));
                if (!f.copy()) implicitKeep = false;
            }
            case Script.Redirect r -> {
                String address = expand(r.address());
                if (!Addresses.isMailbox(address)) throw new Failure("redirect to an invalid address");
                address = Addresses.parse(address).getFirst().all();
                conflictsWithReject("redirect");
                String key = "redirect:" + address.toLowerCase(Locale.ROOT);
                if (!actions.containsKey(key) && ++redirects > limits.maxRedirects()) {
                    throw new Failure("more than " + limits.maxRedirects() + " redirects");
                }
                actions.putIfAbsent(key, new Action.Redirect(address));
                if (!r.copy()) implicitKeep = false;
            }
            case Script.Reject r -> {
                if (rejected) throw new Failure("a second reject");
                for (String key : actions.keySet()) {
                    if (!key.startsWith("redirect:")) throw new Failure("reject conflicts with " + key.replaceFirst(":.*", "") + " (RFC 5429 §2.2)");
                }
                rejected = true;
                implicitKeep = false;
                actions.put("reject", new Action.Reject(expand(r.reason()), r.extended()));
            }
            case Script.Set s -> variables.set(s.name(), Variables.modify(expand(s.value()), s.modifiers()));
            case Script.Flags f -> {
                List<String> current = f.variable() == null ? flags : Flags.parse(variables.get(f.variable()));
                List<String> given = Flags.parse(expandAll(f.flags()));
                List<String> result = switch (f.op()) {
                    case SET -> given;
                    case ADD -> Flags.union(current, given);
                    case REMOVE -> Flags.minus(current, given);
                };
                if (f.variable() == null) flags = result;
                else variables.set(f.variable(), String.join(" ", result));
            }
            case Script.Vacation v -> vacation(v);
        }
        return true;
    }

    /** keep and fileinto both store; RFC 5429 §2.2 lets reject not be combined with them. */
    private void store(String key, Action action) {
        conflictsWithReject(key.replaceFirst(":.*", ""));
        Action earlier = actions.get(key);
        if (earlier != null) action = merged(earlier, action);
        actions.put(key, action);
    }

    private void conflictsWithReject(String what) {
        if (rejected) throw new Failure(what + " conflicts with reject (RFC 5429 §2.2)");
    }

    private static Action merged(Action earlier, Action later) {
        return switch (later) {
            case Action.Keep k -> new Action.Keep(Flags.union(((Action.Keep) earlier).flags(), k.flags()));
            case Action.FileInto f -> new Action.FileInto(f.mailbox(), Flags.union(((Action.FileInto) earlier).flags(), f.flags()),
                    f.create() || ((Action.FileInto) earlier).create());
            default -> later;
        };
    }

    private List<String> flagList(List<String> explicit) {
        return explicit == null ? flags : Flags.parse(expandAll(explicit));
    }

    private void vacation(Script.Vacation v) {
        if (vacationSeen) throw new Failure("a second vacation (RFC 5230 §4.7)");
        if (rejected) throw new Failure("vacation conflicts with reject (RFC 5230 §4.7)");
        vacationSeen = true;
        List<String> addresses = v.addresses() == null ? List.of() : expandAll(v.addresses());
        String refusal = VacationRules.refusal(message, context, addresses);
        if (refusal != null) {
            notes.add("vacation reply not sent: " + refusal);
            return;
        }
        VacationReply reply = new VacationReply(expand(v.reason()), v.subject() == null ? null : expand(v.subject()),
                v.from() == null ? null : expand(v.from()), v.mime(), v.handle() == null ? null : expand(v.handle()));
        actions.put("vacation", new Action.Vacation(context.envelopeFrom(), reply.key(), VacationRules.period(v.seconds()),
                reply.build(message, context)));
    }

    private boolean test(Script.Test t) {
        step();
        return switch (t) {
            case Script.AllOf a -> {
                for (Script.Test x : a.tests()) if (!test(x)) yield false;
                yield true;
            }
            case Script.AnyOf a -> {
                for (Script.Test x : a.tests()) if (test(x)) yield true;
                yield false;
            }
            case Script.Not n -> !test(n.test());
            case Script.Constant c -> c.value();
            case Script.Exists e -> {
                for (String h : expandAll(e.headers())) if (message.header(h).isEmpty()) yield false;
                yield true;
            }
            case Script.Size s -> s.over() ? message.size() > s.limit() : message.size() < s.limit();
            case Script.Header h -> {
                List<String> values = new ArrayList<>();
                for (String name : expandAll(h.headers())) values.addAll(message.header(name));
                yield matching.test(h.match(), values, expandAll(h.keys()));
            }
            case Script.Address a -> {
                List<String> values = new ArrayList<>();
                for (String name : expandAll(a.headers())) {
                    for (String raw : message.header(name)) {
                        for (Addresses.Parsed p : Addresses.parse(raw)) values.add(p.part(a.part()));
                    }
                }
                yield matching.test(a.match(), values, expandAll(a.keys()));
            }
            case Script.Envelope e -> {
                List<String> values = new ArrayList<>();
                for (String part : e.parts()) {
                    String path = part.equalsIgnoreCase("from") ? context.envelopeFrom() : context.envelopeTo();
                    // RFC 5228 §5.4: the null reverse-path is the empty string for every address part.
                    values.add(path.isEmpty() ? "" : Addresses.ofPath(path).part(e.part()));
                }
                yield matching.test(e.match(), values, expandAll(e.keys()));
            }
            case Script.Body b -> matching.test(b.match(), Bodies.values(message, b.transform(), b.contentTypes()), expandAll(b.keys()));
            case Script.StringTest s -> {
                List<String> values = new ArrayList<>();
                for (String source : expandAll(s.sources())) {
                    // RFC 5229 §5: with :count, empty strings are not counted.
                    if (!(source.isEmpty() && s.match().type() == Script.MatchType.COUNT)) values.add(source);
                }
                yield matching.test(s.match(), values, expandAll(s.keys()));
            }
            case Script.HasFlag h -> {
                List<String> values = new ArrayList<>();
                if (h.variables() == null) values.addAll(flags);
                else for (String name : h.variables()) values.addAll(Flags.parse(variables.get(name)));
                yield matching.test(h.match(), values, Flags.parse(expandAll(h.keys())));
            }
            case Script.MailboxExists m -> {
                for (String name : expandAll(m.mailboxes())) if (!context.mailboxExists().test(name)) yield false;
                yield true;
            }
        };
    }

    private String expand(String s) {
        return variables.expand(s);
    }

    private List<String> expandAll(List<String> list) {
        if (!variables.enabled()) return list;
        List<String> out = new ArrayList<>(list.size());
        for (String s : list) out.add(expand(s));
        return out;
    }
}
