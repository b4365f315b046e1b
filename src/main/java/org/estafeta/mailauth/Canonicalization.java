package org.estafeta.mailauth;

import java.io.OutputStream;
import java.util.Locale;

/** The two DKIM canonicalization algorithms (RFC 6376 §3.4), for header fields and for the body. */
enum Canonicalization {
    SIMPLE, RELAXED;

    /** {@code c=} value: header/body, each "simple" or "relaxed", body defaulting to simple (§3.5). */
    static Canonicalization[] parse(String c) {
        if (c == null) return new Canonicalization[] {SIMPLE, SIMPLE};
        int slash = c.indexOf('/');
        Canonicalization header = of(slash < 0 ? c : c.substring(0, slash));
        Canonicalization body = slash < 0 ? SIMPLE : of(c.substring(slash + 1));
        return header == null || body == null ? null : new Canonicalization[] {header, body};
    }

    private static Canonicalization of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> null;
        };
    }

    /** One header field canonicalized, with its CRLF (§3.4.1, §3.4.2). */
    String header(HeaderField field) {
        if (this == SIMPLE) return field.raw() + "\r\n";
        StringBuilder out = new StringBuilder(field.raw().length() + 2);
        out.append(field.lowerName()).append(':');
        String value = field.value();
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Unfold (CRLF before WSP goes) and turn every run of WSP into one SP.
            if (c == '\r' || c == '\n') continue;
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            // WSP right after the colon is dropped as well.
            if (space && out.charAt(out.length() - 1) != ':') out.append(' ');
            space = false;
            out.append(c);
        }
        return out.append("\r\n").toString();
    }

    /** A stream that canonicalizes the body written to it into {@code out}; call {@link BodyStream#finish()} at the end. */
    BodyStream body(OutputStream out) {
        return new BodyStream(this, out);
    }

    /**
     * The body algorithms as one streaming state machine (§3.4.3, §3.4.4), so a message of any size
     * passes through without being held: empty lines are only counted until a non-empty line shows
     * they were not at the end. A bare LF ends a line like CRLF (our messages are CRLF already).
     */
    static final class BodyStream extends OutputStream {
        private final boolean relaxed;
        private final OutputStream out;
        private int pendingEmptyLines;
        private boolean lineStarted;
        private boolean pendingSpace;
        private boolean pendingCr;
        private boolean anything;

        private BodyStream(Canonicalization c, OutputStream out) {
            this.relaxed = c == RELAXED;
            this.out = out;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    endLine();
                    return;
                }
                content('\r');
            }
            if (b == '\r') pendingCr = true;
            else if (b == '\n') endLine();
            else content(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        private void content(int b) throws java.io.IOException {
            if (relaxed && (b == ' ' || b == '\t')) {
                pendingSpace = true;
                return;
            }
            if (!lineStarted) {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) out.write(CRLF);
                lineStarted = true;
                anything = true;
            }
            if (pendingSpace) out.write(' ');
            pendingSpace = false;
            out.write(b);
        }

        private void endLine() throws java.io.IOException {
            // Relaxed: whitespace at the end of a line goes, and a line of only whitespace is empty.
            pendingSpace = false;
            if (lineStarted) out.write(CRLF);
            else pendingEmptyLines++;
            lineStarted = false;
        }

        /** Ends the body: a last line without CRLF gets one; trailing empty lines are dropped. */
        void finish() throws java.io.IOException {
            if (pendingCr) {
                pendingCr = false;
                content('\r');
            }
            if (lineStarted) endLine();
            // Simple: an empty body is one CRLF; relaxed: it stays empty (RFC 6376 errata 1384).
            if (!relaxed && !anything) out.write(CRLF);
            out.flush();
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }
}
