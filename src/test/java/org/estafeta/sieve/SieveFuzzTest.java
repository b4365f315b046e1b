package org.estafeta.sieve;

import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A user's script (uploaded through ManageSieve) run on a stranger's message, as delivery runs it:
 * the compiler refuses with a {@link SieveException} or compiles; a compiled script always ends
 * (within {@code maxSteps}) with an outcome, never an exception, since delivery must store the message
 * whatever the script does. A failed run keeps the message (RFC 5228 §2.10.6); flags are IMAP flags, a
 * redirect address has no line break (it becomes a RCPT TO), and a vacation reply has CRLF line ends only.
 */
class SieveFuzzTest {

    private static final SieveLimits LIMITS = SieveLimits.DEFAULT;
    private static final Context CONTEXT = new Context("sender@example.org", "bob@example.com", List.of("bob@example.com"),
            "mx.example.com", m -> m.equals("INBOX") || m.equals("Archive"), Instant.parse("2026-12-02T12:00:00Z"));

    /** The script, then a NUL, then the message (so that seeds are a script and a message put together). */
    @FuzzTest
    void compileAndRun(byte[] input) {
        int nul = 0;
        while (nul < input.length && input[nul] != 0) nul++;
        String source = new String(input, 0, nul, StandardCharsets.UTF_8);
        byte[] message = Arrays.copyOfRange(input, Math.min(nul + 1, input.length), input.length);
        Script script;
        try {
            script = Compiler.compile(source, LIMITS);
        } catch (SieveException e) {
            that(e.getMessage() != null && !e.getMessage().isEmpty(), "a reason");
            return;
        }
        Outcome outcome = Interpreter.run(script, new ParsedMessage(message), CONTEXT, LIMITS);
        if (outcome.failed()) {
            that(outcome.actions().equals(List.of(new Action.Keep(List.of()))), "a failed run keeps: %s", outcome.actions());
            return;
        }
        int redirects = 0;
        for (Action a : outcome.actions()) {
            switch (a) {
                case Action.Keep k -> flags(k.flags());
                // The name may be anything a variable holds: delivery checks it as the store does (SieveDeliveryTest).
                case Action.FileInto f -> flags(f.flags());
                case Action.Redirect r -> {
                    redirects++;
                    that(noLineBreak(r.address()) && r.address().indexOf('@') > 0, "redirect address %s", r.address());
                }
                case Action.Reject r -> that(r.reason() != null, "reject reason");
                case Action.Vacation v -> {
                    that(noLineBreak(v.to()) && v.seconds() > 0, "vacation to %s for %d s", v.to(), v.seconds());
                    crlfOnly(v.message());
                }
            }
        }
        that(redirects <= LIMITS.maxRedirects(), "%d redirects", redirects);
    }

    private static void flags(List<String> flags) {
        for (String flag : flags) that(!flag.isEmpty() && flag.chars().allMatch(c -> c > 0x20 && c < 0x7f && "(){%*\"]".indexOf(c) < 0), "flag \"%s\"", flag);
    }

    private static boolean noLineBreak(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf(0) < 0;
    }

    private static void crlfOnly(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n') that(i > 0 && message[i - 1] == '\r', "bare LF at %d", i);
            if (message[i] == '\r') that(i + 1 < message.length && message[i + 1] == '\n', "bare CR at %d", i);
        }
    }
}
