package org.estafeta.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One logged-in session of an account on each mail protocol, left waiting as a client would: IMAP in
 * IDLE, POP3 in TRANSACTION, SMTP submission after AUTH, ManageSieve after AUTHENTICATE. Each dialogue
 * is checked line by line as in a transcript; {@link #assertAllCut()} then expects the server to hang
 * up on every one without another word from the client.
 */
public final class LiveLogins implements AutoCloseable {

    /** Longer than auth.LiveSessions.CHECK_INTERVAL, for a change the server must find by itself. */
    private static final int CUT_WITHIN_MS = 15_000;

    private record Session(String protocol, Socket socket, InputStream in, OutputStream out) {
    }

    private final List<Session> sessions = new ArrayList<>();

    /** Logs {@code user} in on IMAP (then IDLE), POP3, submission and ManageSieve of {@code server}. */
    public static LiveLogins open(TestServer server, String user, String password) throws IOException {
        LiveLogins l = new LiveLogins();
        String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));

        Session imap = l.connect("imap", server.port("imap"));
        expect(imap, "* OK");
        send(imap, "a LOGIN \"" + user + "\" \"" + password + "\"");
        expectUntil(imap, "a OK");
        send(imap, "b SELECT INBOX");
        expectUntil(imap, "b OK");
        send(imap, "c IDLE");
        expect(imap, "+ ");

        Session pop3 = l.connect("pop3", server.port("pop3"));
        expect(pop3, "+OK");
        send(pop3, "USER " + user);
        expect(pop3, "+OK");
        send(pop3, "PASS " + password);
        expect(pop3, "+OK");

        Session smtp = l.connect("submission", server.port("submission"));
        expect(smtp, "220 ");
        send(smtp, "EHLO client.example");
        expectUntil(smtp, "250 ");
        send(smtp, "AUTH PLAIN " + plain);
        expect(smtp, "235 ");

        Session sieve = l.connect("managesieve", server.port("managesieve"));
        expectUntil(sieve, "OK");
        send(sieve, "AUTHENTICATE \"PLAIN\" \"" + plain + "\"");
        expect(sieve, "OK");
        return l;
    }

    /** Every session is hung up on by the server (EOF or reset), with the client silent. */
    public void assertAllCut() {
        for (Session s : sessions) {
            assertThat(cut(s)).as(s.protocol + " session ended by the server").isTrue();
        }
    }

    /** No session is hung up on (an unrelated change must not end them): each still answers. */
    public void assertAllAlive() throws IOException {
        for (Session s : sessions) assertThat(s.socket.isClosed()).isFalse();
        Session imap = sessions.get(0);
        send(imap, "DONE");
        expectUntil(imap, "c OK");
        send(imap, "d NOOP");
        expectUntil(imap, "d OK");
        send(sessions.get(1), "NOOP");
        expect(sessions.get(1), "+OK");
        send(sessions.get(2), "NOOP");
        expect(sessions.get(2), "250");
        send(sessions.get(3), "NOOP");
        expect(sessions.get(3), "OK");
    }

    private static boolean cut(Session s) {
        try {
            s.socket.setSoTimeout(CUT_WITHIN_MS);
            long deadline = System.currentTimeMillis() + CUT_WITHIN_MS;
            while (System.currentTimeMillis() < deadline) {
                // A BYE or similar line before the close is fine; what matters is the end of the stream.
                if (s.in.read() < 0) return true;
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Session connect(String protocol, int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        Session s = new Session(protocol, socket, socket.getInputStream(), socket.getOutputStream());
        sessions.add(s);
        return s;
    }

    private static void send(Session s, String line) throws IOException {
        s.out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        s.out.flush();
    }

    private static void expect(Session s, String prefix) throws IOException {
        String line = readLine(s);
        assertThat(line).as(s.protocol).startsWith(prefix);
    }

    /** Skips lines until one starts with {@code prefix} (the end of a multi-line reply). */
    private static void expectUntil(Session s, String prefix) throws IOException {
        while (true) {
            String line = readLine(s);
            assertThat(line).as(s.protocol + ": connection ended before " + prefix).isNotNull();
            if (line.startsWith(prefix)) return;
        }
    }

    private static String readLine(Session s) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = s.in.read()) >= 0 && c != '\n') if (c != '\r') sb.append((char) c);
        return c < 0 && sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() {
        for (Session s : sessions) {
            try {
                s.socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
