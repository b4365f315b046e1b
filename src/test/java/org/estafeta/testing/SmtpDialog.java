package org.estafeta.testing;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A minimal SMTP client over a raw socket, for tests that compute what they send. */
public final class SmtpDialog implements Closeable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private SmtpDialog(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Connects and reads the greeting, then says EHLO. */
    public static SmtpDialog connect(int port) throws IOException {
        SmtpDialog d = new SmtpDialog(new Socket("127.0.0.1", port));
        d.reply();
        d.command("EHLO test.example");
        return d;
    }

    /** A dialog over a socket already connected (from a chosen local address, through a proxy); nothing read yet. */
    public static SmtpDialog over(Socket socket) throws IOException {
        return new SmtpDialog(socket);
    }

    /** Sends a command line and returns the last line of the reply. */
    public String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    /** The last line of the next (possibly multi-line) reply. */
    public String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("server closed the connection");
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    public String send(String from, String to, String message) throws IOException {
        return send(from, List.of(to), message);
    }

    /** One transaction; the message must use CRLF and is dot-stuffed here. Returns the reply to the data. */
    public String send(String from, List<String> to, String message) throws IOException {
        // RFC 6531 §3.4: an address with UTF-8 in it needs SMTPUTF8.
        boolean utf8 = !(from + to).chars().allMatch(c -> c < 0x80);
        String r = command("MAIL FROM:<" + from + ">" + (utf8 ? " SMTPUTF8" : ""));
        if (!r.startsWith("250")) return r;
        for (String rcpt : to) {
            r = command("RCPT TO:<" + rcpt + ">");
            if (!r.startsWith("250")) return r;
        }
        r = command("DATA");
        if (!r.startsWith("354")) return r;
        String stuffed = message.replace("\r\n.", "\r\n..");
        if (stuffed.startsWith(".")) stuffed = "." + stuffed;
        out.write((stuffed + ".\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    @Override
    public void close() throws IOException {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
