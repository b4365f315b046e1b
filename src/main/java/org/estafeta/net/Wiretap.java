package org.estafeta.net;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

/**
 * The tap on one connection: sees every line and byte that {@link Connection} reads and writes, masks
 * secrets and shortens message bodies by the protocol's {@link TraceRules}, and hands the lines to a
 * {@link Trace}. Its masking state (inside a login exchange, inside a message body) is kept up even
 * while nobody watches, with a few character comparisons per line and no allocation, so that a
 * watcher who arrives in the middle of AUTH LOGIN still never sees the password. Text is built only
 * while {@link Trace#watched()}. Mostly called on the connection's thread, but IMAP IDLE writes its
 * updates from another one while the session waits for DONE: a lock (uncontended, so cheap) keeps
 * the state whole.
 */
final class Wiretap {

    static final String MASK = "****";

    private final TraceRules rules;
    private final Trace trace;
    private final int excerptLines;

    /** A command with a secret was sent and the server has not yet answered with a final reply. */
    private boolean secret;
    /** The client is sending a message body line by line (SMTP DATA after 354). */
    private boolean body;
    /** The body, literal or bulk output being shortened now; null when none (or nobody watched at its start). */
    private Excerpt excerpt;
    /** The server's text since its last line end (IMAP writes a FETCH line in pieces). */
    private StringBuilder serverPartial;
    private final ReentrantLock lock = new ReentrantLock();

    Wiretap(TraceRules rules, Trace trace, int excerptLines) {
        this.rules = rules;
        this.trace = trace;
        this.excerptLines = excerptLines;
    }

    static Wiretap off() {
        return new Wiretap(TraceRules.NONE, Trace.Off.OFF, 0);
    }

    Trace trace() {
        return trace;
    }

    /** A line the client sent (its terminator removed). */
    void clientLine(byte[] line) {
        lock.lock();
        try {
            clientLineLocked(line);
        } finally {
            lock.unlock();
        }
    }

    private void clientLineLocked(byte[] line) {
        if (body) {
            if (!trace.watched()) return;
            if (excerpt == null || excerpt.kind != Trace.Kind.CLIENT) startExcerpt(Trace.Kind.CLIENT);
            // The end-of-data line stays visible: it is what learners look for.
            if (line.length == 1 && line[0] == '.') {
                endExcerpt();
                trace.line(Trace.Kind.CLIENT, ".");
            } else {
                excerpt.line(line);
            }
            return;
        }
        endExcerpt();
        if (secret) {
            if (trace.watched()) trace.line(Trace.Kind.CLIENT, MASK);
            return;
        }
        int visible = visibleWords(line);
        if (visible >= 0) secret = true;
        if (!trace.watched()) return;
        String text = new String(line, StandardCharsets.UTF_8);
        trace.line(Trace.Kind.CLIENT, visible >= 0 ? mask(text, visible) : text);
    }

    /** Part of a literal or chunk the client sent (IMAP APPEND, BDAT, a script); {@code last} ends it. */
    void clientBytes(byte[] b, int off, int len, boolean last) {
        lock.lock();
        try {
            clientBytesLocked(b, off, len, last);
        } finally {
            lock.unlock();
        }
    }

    private void clientBytesLocked(byte[] b, int off, int len, boolean last) {
        if (secret) {
            if (last && trace.watched()) trace.line(Trace.Kind.CLIENT, MASK);
            return;
        }
        if (!trace.watched()) return;
        if (excerpt == null || excerpt.kind != Trace.Kind.CLIENT) startExcerpt(Trace.Kind.CLIENT);
        excerpt.bytes(b, off, len);
        if (last) endExcerpt();
    }

    /** Text the server writes: replies, whole or in pieces. */
    void serverText(String text) {
        lock.lock();
        try {
            serverTextLocked(text);
        } finally {
            lock.unlock();
        }
    }

    private void serverTextLocked(String text) {
        body = false;
        endExcerpt();
        if (secret && !rules.continues(text)) secret = false;
        if (rules.bodyGoAhead() != null && text.startsWith(rules.bodyGoAhead())) body = true;
        if (!trace.watched()) {
            serverPartial = null;
            return;
        }
        StringBuilder sb = serverPartial != null ? serverPartial.append(text) : new StringBuilder(text);
        int start = 0;
        for (int lf; (lf = sb.indexOf("\n", start)) >= 0; start = lf + 1) {
            int end = lf > start && sb.charAt(lf - 1) == '\r' ? lf - 1 : lf;
            trace.line(Trace.Kind.SERVER, sb.substring(start, end));
        }
        serverPartial = start < sb.length() ? new StringBuilder(sb.substring(start)) : null;
    }

    /** Bytes the server writes as they are (a message in RETR, a literal in FETCH): shortened. */
    void serverBytes(byte[] b, int off, int len) {
        lock.lock();
        try {
            serverBytesLocked(b, off, len);
        } finally {
            lock.unlock();
        }
    }

    private void serverBytesLocked(byte[] b, int off, int len) {
        if (!trace.watched()) return;
        if (excerpt == null || excerpt.kind != Trace.Kind.SERVER) {
            flushServerPartial();
            startExcerpt(Trace.Kind.SERVER);
        }
        excerpt.bytes(b, off, len);
    }

    void tls(SSLSession session) {
        lock.lock();
        try {
            tlsLocked(session);
        } finally {
            lock.unlock();
        }
    }

    private void tlsLocked(SSLSession session) {
        endExcerpt();
        if (trace.watched()) trace.line(Trace.Kind.TLS, session.getProtocol() + " " + session.getCipherSuite());
    }

    void closed() {
        lock.lock();
        try {
            closedLocked();
        } finally {
            lock.unlock();
        }
    }

    private void closedLocked() {
        endExcerpt();
        flushServerPartial();
        trace.closed();
    }

    private void flushServerPartial() {
        if (serverPartial != null && !serverPartial.isEmpty()) trace.line(Trace.Kind.SERVER, serverPartial.toString());
        serverPartial = null;
    }

    private void startExcerpt(Trace.Kind kind) {
        endExcerpt();
        excerpt = new Excerpt(kind);
    }

    private void endExcerpt() {
        if (excerpt == null) return;
        Excerpt e = excerpt;
        excerpt = null;
        e.finish();
    }

    /**
     * How many words of a command with a secret stay visible, or -1 when the line carries none. Works
     * on the bytes, without making a string: this runs for every command line, watched or not.
     */
    private int visibleWords(byte[] line) {
        int i = 0;
        if (rules.tagged()) {
            while (i < line.length && line[i] != ' ') i++;
            i++;
        }
        int start = Math.min(i, line.length);
        while (i < line.length && line[i] != ' ') i++;
        return rules.visibleWords(line, start, Math.min(i, line.length));
    }

    /** The tag, the command and {@code visible} words, then the mask in place of the rest. */
    private String mask(String line, int visible) {
        int words = (rules.tagged() ? 2 : 1) + visible;
        int i = 0;
        for (int w = 0; w < words && i < line.length(); w++) {
            while (i < line.length() && line.charAt(i) == ' ') i++;
            while (i < line.length() && line.charAt(i) != ' ') i++;
        }
        String kept = line.substring(0, i);
        return line.substring(i).isBlank() ? kept : kept + " " + MASK;
    }

    /** The first lines of a body or literal, then how many bytes it had in all when that was not everything. */
    private final class Excerpt {
        final Trace.Kind kind;
        /** Octets in all, and octets of the lines shown. */
        long total, shownBytes;
        int shown;
        /** The line being put together from the bytes; null once the excerpt is full. */
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        long pendingBytes;

        Excerpt(Trace.Kind kind) {
            this.kind = kind;
        }

        void line(byte[] line) {
            total += line.length + 2;
            if (shown < excerptLines) {
                shown++;
                shownBytes += line.length + 2;
                trace.line(kind, new String(line, StandardCharsets.UTF_8));
            }
        }

        void bytes(byte[] b, int off, int len) {
            total += len;
            if (shown >= excerptLines) return;
            for (int i = off; i < off + len && shown < excerptLines; i++) {
                pendingBytes++;
                if (b[i] == '\n') {
                    emitPending();
                } else if (pending.size() < 1000) {
                    // A longer line is shown cut: it is there to be recognised, not read.
                    pending.write(b[i]);
                }
            }
        }

        private void emitPending() {
            byte[] l = pending.toByteArray();
            int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
            trace.line(kind, new String(l, 0, n, StandardCharsets.UTF_8));
            pending.reset();
            shown++;
            shownBytes += pendingBytes;
            pendingBytes = 0;
        }

        void finish() {
            if (pendingBytes > 0 && shown < excerptLines) emitPending();
            if (total > shownBytes) trace.line(kind, "\u2026 " + total + " bytes in all");
        }
    }
}
