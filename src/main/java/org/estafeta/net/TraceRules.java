package org.estafeta.net;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the live trace of one protocol must hide and shorten, as data: each protocol states its own
 * rules (its {@link Protocol#traceRules()}), and the one tap in {@link Connection} applies them, so
 * no protocol copies the masking code and none can forget to call it. Kept in arrays: the tap checks
 * them on every line, watched or not, and must allocate nothing doing so.
 */
public final class TraceRules {

    private final boolean tagged;
    private final String[] secretCommands;
    private final int[] visibleWords;
    private final String[] continuations;
    private final String bodyGoAhead;

    /**
     * @param tagged         the first word of a client line is a tag, the command is the second (IMAP)
     * @param secretCommands command name → how many of its words stay visible; the rest of the line is
     *                       masked, and so is every client line and literal until the server answers
     *                       with something that is not a {@code continuation}
     * @param continuations  server line prefixes that go on with a SASL exchange or a literal (SMTP
     *                       {@code 334}, IMAP {@code +}, ...)
     * @param bodyGoAhead    server reply prefix after which the client sends a message as lines until
     *                       the server speaks again (SMTP {@code 354}); null when the protocol has none
     */
    public TraceRules(boolean tagged, Map<String, Integer> secretCommands, List<String> continuations, String bodyGoAhead) {
        this.tagged = tagged;
        this.secretCommands = new String[secretCommands.size()];
        this.visibleWords = new int[secretCommands.size()];
        int i = 0;
        for (Map.Entry<String, Integer> e : secretCommands.entrySet()) {
            this.secretCommands[i] = e.getKey().toUpperCase(Locale.ROOT);
            this.visibleWords[i++] = e.getValue();
        }
        this.continuations = continuations.toArray(String[]::new);
        this.bodyGoAhead = bodyGoAhead;
    }

    /** Nothing to mask or shorten (a connection nobody traces). */
    static final TraceRules NONE = new TraceRules(false, Map.of(), List.of(), null);

    boolean tagged() {
        return tagged;
    }

    String bodyGoAhead() {
        return bodyGoAhead;
    }

    /** How many words of the command in {@code line[start, end)} stay visible, or -1 when it carries no secret. */
    int visibleWords(byte[] line, int start, int end) {
        for (int c = 0; c < secretCommands.length; c++) {
            String verb = secretCommands[c];
            if (verb.length() != end - start) continue;
            int i = 0;
            while (i < verb.length() && Character.toUpperCase((char) (line[start + i] & 0xff)) == verb.charAt(i)) i++;
            if (i == verb.length()) return visibleWords[c];
        }
        return -1;
    }

    boolean continues(String serverText) {
        for (String c : continuations) if (serverText.startsWith(c)) return true;
        return false;
    }
}
