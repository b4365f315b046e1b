package org.estafeta.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiler's errors and limits, and the interpreter's bounded outcomes on hostile scripts. */
class SieveTest {

    private static final byte[] MESSAGE = ("From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: [acme] hi there\r\n"
            + "Message-ID: <1@example.org>\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);

    private static Outcome run(String script) throws SieveException {
        return run(script, MESSAGE, "alice@example.org");
    }

    private static Outcome run(String script, byte[] message, String sender) throws SieveException {
        Context context = new Context(sender, "bob@example.com", List.of("bob@example.com"), "mx.example.com", m -> m.equals("INBOX"), Instant.now());
        return Interpreter.run(Compiler.compile(script, SieveLimits.DEFAULT), new ParsedMessage(message), context, SieveLimits.DEFAULT);
    }

    private static SieveException compileError(String script) {
        // A large size limit, so that the other limits are what a big script meets.
        try {
            Compiler.compile(script, SieveLimits.DEFAULT.withMaxScriptBytes(1 << 20));
        } catch (SieveException e) {
            return e;
        }
        throw new AssertionError("compiled: " + script);
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        SieveException e = compileError("if header :contains \"subject\" \"x\" {\n  keep;\n  error here\n}\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(1);
        assertThat(e.describe()).startsWith("line 4, column 1: expected ';' or '{'");
        assertThat(compileError("keep").describe()).contains("expected ';' or '{' but found end of script");
        assertThat(compileError("fileinot \"x\";").getMessage()).isEqualTo("unknown command 'fileinot'");
        assertThat(compileError("keep;\n\"unterminated").describe()).startsWith("line 2, column 1: string not closed");
    }

    @Test
    void extensionsMustBeRequiredAndKnown() {
        assertThat(compileError("require \"enotify\";").getMessage()).isEqualTo("unsupported extension 'enotify'");
        assertThat(compileError("fileinto \"x\";").getMessage()).isEqualTo("'fileinto' is used but not in require");
        assertThat(compileError("keep;\nrequire \"fileinto\";").getMessage()).contains("require must come before");
        assertThat(compileError("if header :value \"gt\" \"x\" \"1\" { keep; }").getMessage()).contains("'relational' is used but not in require");
        assertThat(compileError("if header :is :contains \"x\" \"1\" { keep; }").getMessage()).contains("conflicts with :is");
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String blocks = "if true {".repeat(10_000) + "}".repeat(10_000);
        assertThat(compileError(blocks).getMessage()).endsWith("nested deeper than 32");
        String tests = "if " + "not ".repeat(10_000) + "true { keep; }";
        assertThat(compileError(tests).getMessage()).isEqualTo("tests nested deeper than 32");
        String lists = "if " + "anyof(".repeat(10_000) + "true" + ")".repeat(10_000) + " { keep; }";
        assertThat(compileError(lists).getMessage()).isEqualTo("tests nested deeper than 32");
    }

    @Test
    void scriptsOverTheSizeLimitAreRefused() {
        String huge = "keep;\n# " + "x".repeat(70_000);
        assertThatThrownBy(() -> Compiler.compile(huge, SieveLimits.DEFAULT)).hasMessageContaining("larger than 65536 bytes (limits.sieve_script)");
        assertThat(compileError("set \"a\" \"" + "x".repeat(500_000) + "\";").getMessage()).isEqualTo("'variables' is used but not in require");
        assertThatThrownBy(() -> Compiler.compile("keep;", SieveLimits.DEFAULT.withMaxScriptBytes(3))).isInstanceOf(SieveException.class);
    }

    @Test
    void variablesCannotGrowWithoutBound() throws SieveException {
        StringBuilder script = new StringBuilder("require [\"variables\", \"fileinto\"];\nset \"a\" \"xxxxxxxxxxxxxxxx\";\n");
        for (int i = 0; i < 40; i++) script.append("set \"a\" \"${a}${a}\";\n");
        script.append("set :length \"n\" \"${a}\";\nfileinto \"len-${n}\";\n");
        Outcome o = run(script.toString());
        assertThat(o.actions()).containsExactly(new Action.FileInto("len-4096", List.of(), false));
    }

    @Test
    void tooManyRedirectsFailWithImplicitKeep() throws SieveException {
        Outcome o = run("redirect \"a@x.example\"; redirect \"b@x.example\"; redirect \"c@x.example\"; redirect \"d@x.example\"; redirect \"e@x.example\";");
        assertThat(o.error()).isEqualTo("more than 4 redirects");
        assertThat(o.actions()).containsExactly(new Action.Keep(List.of()));
    }

    @Test
    void runtimeConflictsKeepTheMessage() throws SieveException {
        Outcome o = run("require [\"reject\", \"fileinto\"]; fileinto \"x\"; reject \"no\";");
        assertThat(o.failed()).isTrue();
        assertThat(o.actions()).containsExactly(new Action.Keep(List.of()));
        assertThat(run("require \"vacation\"; vacation \"a\"; vacation \"b\";").error()).contains("a second vacation");
    }

    @Test
    void matchVariablesTakeTheShortestRunFirst() throws SieveException {
        Outcome o = run("require [\"variables\", \"fileinto\"];\nif header :matches \"subject\" \"[*] *\" { fileinto \"${1}/${2}\"; }");
        assertThat(o.actions()).containsExactly(new Action.FileInto("acme/hi there", List.of(), false));
    }

    @Test
    void wildcardsCannotExplode() {
        String value = "a".repeat(5000);
        long start = System.nanoTime();
        assertThat(Wildcard.match(value, "*a*a*a*a*a*a*a*a*a*a*b", Comparator.ASCII_CASEMAP)).isNull();
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @Test
    void numericComparatorTreatsNonNumbersAsInfinity() {
        assertThat(Comparator.ASCII_NUMERIC.compare("007", "7")).isZero();
        assertThat(Comparator.ASCII_NUMERIC.compare("x", "y")).isZero();
        assertThat(Comparator.ASCII_NUMERIC.compare("99999999999999999999", "x")).isNegative();
        assertThat(Comparator.ASCII_NUMERIC.compare("10", "9")).isPositive();
    }

    /** A reason typed with any line ends (a multi-line "text:" uploaded with bare CRs) is sent with CRLF only (found by SieveFuzzTest). */
    @Test
    void vacationReplyHasCrlfLineEndsWhateverTheReasonHas() throws SieveException {
        Outcome sent = run("require \"vacation\"; vacation :days 1 \"one\r\ntwo\rthree\nfour\";");
        String reply = new String(((Action.Vacation) sent.actions().get(1)).message(), StandardCharsets.UTF_8);
        assertThat(reply).endsWith("\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n");
        assertThat(reply.replace("\r\n", "")).doesNotContain("\r", "\n");
    }

    @Test
    void vacationFollowsRfc3834() throws SieveException {
        String script = "require \"vacation\"; vacation :days 0 :subject \"Away\" \"I am away\";";
        Outcome sent = run(script);
        Action.Vacation v = (Action.Vacation) sent.actions().get(1);
        assertThat(v.to()).isEqualTo("alice@example.org");
        assertThat(v.seconds()).isEqualTo(86400);
        String reply = new String(v.message(), StandardCharsets.UTF_8);
        assertThat(reply).contains("Subject: Away\r\n", "Auto-Submitted: auto-replied (vacation)\r\n", "In-Reply-To: <1@example.org>\r\n",
                "To: <alice@example.org>\r\n").endsWith("\r\n\r\nI am away\r\n");

        assertThat(run(script, MESSAGE, "").actions()).containsExactly(new Action.Keep(List.of()));
        assertThat(run(script, MESSAGE, "").notes()).anyMatch(n -> n.contains("null path"));
        assertThat(run(script, MESSAGE, "owner-list@example.org").notes()).anyMatch(n -> n.contains("list or daemon"));
        byte[] auto = ("Auto-Submitted: auto-replied\r\nTo: bob@example.com\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(run(script, auto, "carol@example.org").notes()).anyMatch(n -> n.contains("Auto-Submitted"));
        byte[] notToMe = ("To: someone@example.com\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(run(script, notToMe, "carol@example.org").notes()).anyMatch(n -> n.contains("not in To"));
    }

    @Test
    void brokenMessagesStillGetImplicitKeep() throws SieveException {
        byte[] garbage = new byte[] {(byte) 0xff, 0, '\r', '\n', ':', ':', '\n'};
        Outcome o = run("require [\"body\",\"fileinto\"]; if body :contains \"x\" { fileinto \"x\"; }", garbage, "a@b.example");
        assertThat(o.actions()).contains(new Action.Keep(List.of()));
    }
}
