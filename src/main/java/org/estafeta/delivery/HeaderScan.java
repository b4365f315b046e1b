package org.estafeta.delivery;

import java.io.ByteArrayOutputStream;
import org.estafeta.mime.Headers;

/**
 * Finds where the top header section ends while the content streams past, keeping its bytes. RFC 5322
 * §2.2: the header is a run of fields ({@code name:} or a folded continuation); it ends at the empty
 * line, or at the first line that is not a field, where a message typed by hand without the empty
 * line begins its body. The pipeline inserts fields (and the missing empty line) at that point.
 */
final class HeaderScan {

    /** A header section longer than this is not looked into further ({@link #end()} is -1). */
    private final int maxHeader;

    private final ByteArrayOutputStream header = new ByteArrayOutputStream(1024);
    /** The line being read (bytes since the last LF). */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private boolean done;
    /** Offset where the header ends: the empty line, the first non-field line, or the end. */
    private long end = -1;
    private boolean emptyLine;
    private boolean sawField;

    HeaderScan(int maxHeader) {
        this.maxHeader = maxHeader;
    }

    void feed(byte[] b, int off, int len) {
        for (int i = off; i < off + len && !done; i++) {
            line.write(b[i]);
            if (b[i] == '\n') endOfLine();
            else if (header.size() + line.size() > maxHeader) giveUp();
        }
    }

    private void endOfLine() {
        byte[] l = line.toByteArray();
        line.reset();
        boolean empty = l.length == 1 || l.length == 2 && l[0] == '\r';
        if (empty) {
            finish(header.size(), true);
        } else if (isField(l) || sawField && (l[0] == ' ' || l[0] == '\t')) {
            sawField = true;
            header.write(l, 0, l.length);
        } else {
            finish(header.size(), false);
        }
    }

    /** {@code name ":"} with a name of printable ASCII but no colon (RFC 5322 §2.2, §3.6.8). */
    private static boolean isField(byte[] l) {
        for (int i = 0; i < l.length; i++) {
            byte c = l[i];
            if (c == ':') return i > 0;
            if (c < 33 || c > 126) return false;
        }
        return false;
    }

    private void giveUp() {
        done = true;
        end = -1;
    }

    private void finish(long at, boolean withEmptyLine) {
        done = true;
        end = at;
        emptyLine = withEmptyLine;
    }

    /** Call once the content is complete: a message that is all header ends at its end. */
    void close() {
        if (done) return;
        if (line.size() > 0) {
            byte[] l = line.toByteArray();
            if (isField(l) || sawField && (l[0] == ' ' || l[0] == '\t')) header.write(l, 0, l.length);
            else {
                finish(header.size(), false);
                return;
            }
        }
        finish(header.size(), false);
    }

    /** Where fields may be inserted, or -1 when the header was too long to look at. */
    long end() {
        return end;
    }

    /** The header ended with its empty line (else a body, if any, follows without one). */
    boolean hasEmptyLine() {
        return emptyLine;
    }

    Headers headers() {
        return new Headers(header.toByteArray());
    }
}
