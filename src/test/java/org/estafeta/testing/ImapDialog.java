package org.estafeta.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A plain IMAP session over a raw socket: one tag, each command's lines up to its tagged reply. */
public record ImapDialog(Socket socket, BufferedReader in, OutputStream out) implements AutoCloseable {

    public static ImapDialog login(TestServer server) throws IOException {
        return login(new Socket("127.0.0.1", server.port("imap")), TestServer.USER, TestServer.PASSWORD);
    }

    /** Reads the greeting on a socket already connected, then logs in. */
    public static ImapDialog login(Socket s, String user, String password) throws IOException {
        s.setSoTimeout(30_000);
        ImapDialog imap = new ImapDialog(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)), s.getOutputStream());
        imap.in.readLine();
        List<String> login = imap.command("LOGIN " + user + " \"" + password + "\"");
        if (!login.getLast().startsWith("a OK")) throw new IOException("login failed: " + login);
        return imap;
    }

    public List<String> command(String line) throws IOException {
        send(line);
        List<String> lines = new ArrayList<>();
        String l;
        do {
            l = in.readLine();
            if (l == null) throw new IOException("connection closed after " + lines);
            lines.add(l);
        } while (!l.startsWith("a "));
        return lines;
    }

    /** Sends a tagged command without waiting for its reply (IDLE). */
    public void send(String line) throws IOException {
        out.write(("a " + line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends an untagged line (IDLE's DONE). */
    public void sendRaw(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
