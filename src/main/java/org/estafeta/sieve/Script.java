package org.estafeta.sieve;

import java.util.List;


/**
 * A compiled script: commands and tests with their arguments checked and named, ready for
 * {@link Interpreter}. Immutable, so one compiled script serves every message of an account.
 */
public record Script(List<Command> commands, java.util.Set<String> extensions) {

    public Script {
        commands = List.copyOf(commands);
        extensions = java.util.Set.copyOf(extensions);
    }

    sealed interface Command {
    }

    /** if / elsif / else as one node: the first branch whose test holds runs, else {@code otherwise}. */
    record If(List<Branch> branches, List<Command> otherwise) implements Command {
    }

    record Branch(Test test, List<Command> block) {
    }

    record Stop() implements Command {
    }

    /** {@code flags} null: the internal flags variable of RFC 5232 §3. */
    record Keep(List<String> flags) implements Command {
    }

    record Discard() implements Command {
    }

    record FileInto(String mailbox, boolean copy, boolean create, List<String> flags, SieveException.Position at) implements Command {
    }

    record Redirect(String address, boolean copy, SieveException.Position at) implements Command {
    }

    record Reject(String reason, boolean extended, SieveException.Position at) implements Command {
    }

    /** RFC 5229 §4; modifiers in the order they apply. */
    record Set(String name, String value, List<String> modifiers) implements Command {
    }

    enum FlagOp { SET, ADD, REMOVE }

    /** setflag/addflag/removeflag (RFC 5232 §3); {@code variable} null for the internal one. */
    record Flags(FlagOp op, String variable, List<String> flags) implements Command {
    }

    /** RFC 5230 §4; {@code seconds} is :days converted, null when absent. */
    record Vacation(Long seconds, String subject, String from, List<String> addresses, boolean mime, String handle, String reason,
            SieveException.Position at) implements Command {
    }

    sealed interface Test {
    }

    record AllOf(List<Test> tests) implements Test {
    }

    record AnyOf(List<Test> tests) implements Test {
    }

    record Not(Test test) implements Test {
    }

    record Constant(boolean value) implements Test {
    }

    record Exists(List<String> headers) implements Test {
    }

    record Size(boolean over, long limit) implements Test {
    }

    record Header(Match match, List<String> headers, List<String> keys) implements Test {
    }

    enum AddressPart { ALL, LOCALPART, DOMAIN }

    record Address(Match match, AddressPart part, List<String> headers, List<String> keys) implements Test {
    }

    record Envelope(Match match, AddressPart part, List<String> parts, List<String> keys) implements Test {
    }

    enum BodyTransform { RAW, CONTENT, TEXT }

    record Body(Match match, BodyTransform transform, List<String> contentTypes, List<String> keys) implements Test {
    }

    /** The variables extension's "string" test (RFC 5229 §5). */
    record StringTest(Match match, List<String> sources, List<String> keys) implements Test {
    }

    /** RFC 5232 §4; {@code variables} null for the internal flags variable. */
    record HasFlag(Match match, List<String> variables, List<String> keys) implements Test {
    }

    record MailboxExists(List<String> mailboxes) implements Test {
    }

    enum MatchType { IS, CONTAINS, MATCHES, VALUE, COUNT }

    /** How keys are compared: RFC 5228 §2.7, with :value/:count's relation (RFC 5231) or null. */
    record Match(Comparator comparator, MatchType type, Relation relation) {
    }
}
