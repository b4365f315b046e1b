package org.estafeta.net;

import java.nio.charset.StandardCharsets;

/**
 * One line as the client sent it, without its terminator. {@link Ending} tells how it ended, which
 * matters: only CRLF ends SMTP data for clients outside net.lenient_networks, and a TRUNCATED line was over the limit.
 */
public record Line(byte[] bytes, Ending ending) {

    public enum Ending {
        CRLF,
        /** A bare LF, as typed with nc. */
        LF,
        /** The line reached the length limit; the rest of it is still unread. */
        TRUNCATED,
        /** The connection closed in the middle of the line. */
        EOF
    }

    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public boolean isTerminated() {
        return ending == Ending.CRLF || ending == Ending.LF;
    }
}
