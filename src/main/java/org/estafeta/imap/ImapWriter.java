package org.estafeta.imap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import org.estafeta.net.Connection;

/**
 * The one writer of responses for a session. Output is buffered and flushed by the connection before
 * it blocks reading, so pipelined commands get their answers in one write. The lock lets an IDLE
 * notifier write between commands without interleaving with the session thread.
 */
final class ImapWriter {

    private final Connection conn;
    final ReentrantLock lock = new ReentrantLock();
    /** Responses written; for logs. */
    private long responses;
    /** A response is half written (FETCH items, a literal): nothing else may be said until it ends. */
    private boolean inResponse;

    ImapWriter(Connection conn) {
        this.conn = conn;
    }

    void untagged(String text) throws IOException {
        inResponse = false;
        conn.write("* " + text + "\r\n");
        responses++;
    }

    void tagged(String tag, String status, String code, String text) throws IOException {
        inResponse = false;
        conn.write(tag + " " + status + " " + (code == null ? "" : "[" + code + "] ") + text + "\r\n");
        responses++;
    }

    void continuation(String text) throws IOException {
        conn.write("+ " + text + "\r\n");
        conn.flush();
    }

    /** Part of a response being built in pieces (FETCH with literals). */
    void raw(String text) throws IOException {
        inResponse = !text.endsWith("\r\n");
        conn.write(text);
    }

    boolean inResponse() {
        return inResponse;
    }

    /** A literal header {@code {n}} (or {@code ~{n}} for binary data) and then {@code n} octets from {@code in}. */
    void literal(InputStream in, long n, boolean binary) throws IOException {
        inResponse = true;
        conn.write((binary ? "~{" : "{") + n + "}\r\n");
        byte[] buf = new byte[64 * 1024];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                // The blob is shorter than recorded: pad rather than desynchronise the client.
                java.util.Arrays.fill(buf, (byte) ' ');
                r = (int) Math.min(buf.length, left);
            }
            conn.write(buf, 0, r);
            left -= r;
        }
    }

    void literal(byte[] bytes) throws IOException {
        conn.write("{" + bytes.length + "}\r\n");
        conn.write(bytes, 0, bytes.length);
    }

    void flush() throws IOException {
        conn.flush();
    }

    long responses() {
        return responses;
    }

    /** Client text echoed in a response: printable ASCII only, at most 100 characters. */
    static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 100));
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
