package org.estafeta.net;

import java.util.List;
import java.util.Map;

/**
 * What the live trace of one protocol must hide and shorten, as data: each protocol states its own
 * rules (its {@link Protocol#traceRules()}), and the one tap in {@link Connection} applies them, so
 * no protocol copies the masking code and none can forget to call it.
 *
 * @param tagged         the first word of a client line is a tag, the command is the second (IMAP)
 * @param secretCommands command name (upper case) → how many of its words stay visible; the rest of
 *                       the line is masked, and so is every client line and literal until the server
 *                       answers with something that is not a {@code continuation}
 * @param continuations  server line prefixes that go on with a SASL exchange or a literal (SMTP
 *                       {@code 334}, IMAP {@code +}, ...)
 * @param bodyGoAhead    server reply prefix after which the client sends a message as lines until the
 *                       server speaks again (SMTP {@code 354}); null when the protocol has none
 */
public record TraceRules(boolean tagged, Map<String, Integer> secretCommands, List<String> continuations, String bodyGoAhead) {

    public TraceRules {
        secretCommands = Map.copyOf(secretCommands);
        for (String verb : secretCommands.keySet()) {
            if (!verb.equals(verb.toUpperCase(java.util.Locale.ROOT))) throw new IllegalArgumentException("secret command names are upper case: " + verb);
        }
        continuations = List.copyOf(continuations);
    }

    /**
     * How many words of the command in {@code line[start, end)} stay visible, or -1 when it carries no
     * secret. Compares bytes, so that the check on every command line allocates nothing.
     */
    int visibleWords(byte[] line, int start, int end) {
        for (Map.Entry<String, Integer> e : secretCommands.entrySet()) {
            String verb = e.getKey();
            if (verb.length() != end - start) continue;
            int i = 0;
            while (i < verb.length() && Character.toUpperCase((char) (line[start + i] & 0xff)) == verb.charAt(i)) i++;
            if (i == verb.length()) return e.getValue();
        }
        return -1;
    }

    boolean continues(String serverText) {
        for (String c : continuations) if (serverText.startsWith(c)) return true;
        return false;
    }
}
