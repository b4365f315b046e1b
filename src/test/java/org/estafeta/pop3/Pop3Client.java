package org.estafeta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLSocket;
import org.estafeta.testing.TrustAll;

/** A minimal POP3 client over a real socket, for tests that need computed values (sizes, bytes, UIDs). */
final class Pop3Client implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    static Pop3Client connect(int port, boolean implicitTls) throws IOException {
        Pop3Client c = new Pop3Client();
        c.socket = new Socket("127.0.0.1", port);
        c.socket.setSoTimeout(10_000);
        c.attach();
        if (implicitTls) c.tls();
        assertThat(c.readLine()).startsWith("+OK");
        return c;
    }

    private void attach() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void startTls() throws IOException {
        assertThat(command("STLS")).startsWith("+OK");
        tls();
    }

    private void tls() throws IOException {
        SSLSocket s = (SSLSocket) TrustAll.context().getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        socket = s;
        attach();
    }

    /** Sends a command line and returns the first reply line. */
    String command(String line) throws IOException {
        send(line);
        return readLine();
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void login(String user, String password) throws IOException {
        assertThat(command("USER " + user)).startsWith("+OK");
        assertThat(command("PASS " + password)).startsWith("+OK");
    }

    /** A multi-line reply's body after its status line: dot-stuffing removed, CRLF line ends kept. */
    byte[] body() throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            byte[] line = rawLine();
            if (line == null) throw new IOException("connection closed in a multi-line reply");
            if (Arrays.equals(line, new byte[] {'.', '\r', '\n'})) return content.toByteArray();
            assertThat(line.length).as("a line of the body ends in CRLF").isGreaterThanOrEqualTo(2);
            assertThat(line[line.length - 2]).isEqualTo((byte) '\r');
            int skip = line[0] == '.' ? 1 : 0;
            if (skip == 1) assertThat(line[1]).as("a line starting with '.' is stuffed").isEqualTo((byte) '.');
            content.write(line, skip, line.length - skip);
        }
    }

    String readLine() throws IOException {
        byte[] line = rawLine();
        if (line == null) return null;
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') end--;
        if (end > 0 && line[end - 1] == '\r') end--;
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }

    private byte[] rawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            line.write(b);
            if (b == '\n') return line.toByteArray();
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    /** Drops the connection without QUIT (a reset, as when a laptop lid closes). */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
