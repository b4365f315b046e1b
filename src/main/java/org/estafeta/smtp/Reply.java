package org.estafeta.smtp;

import java.util.List;

/**
 * An SMTP reply: a three-digit code, an RFC 3463 enhanced status code (null where RFC 2034 §3 says
 * none belongs: 220, 221 greetings, 354 and the EHLO list) and one or more lines of text.
 */
public record Reply(int code, String enhanced, List<String> lines) {

    public Reply {
        if (code < 200 || code > 599) throw new IllegalArgumentException("bad reply code " + code);
        lines = List.copyOf(lines);
        if (lines.isEmpty()) throw new IllegalArgumentException("a reply needs a line");
    }

    public static Reply of(int code, String enhanced, String text) {
        return new Reply(code, enhanced, List.of(text));
    }

    public boolean isError() {
        return code >= 400;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** The reply on the wire: {@code 250-first}, …, {@code 250 last}, each with the enhanced code if any. */
    public String wire() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhanced != null) sb.append(enhanced).append(' ');
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return wire().strip();
    }
}
