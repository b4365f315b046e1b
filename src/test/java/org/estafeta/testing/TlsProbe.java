package org.estafeta.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Does a TLS handshake with a listener as a client would, implicit or after the protocol's STARTTLS
 * dialogue, asking for a name by SNI, and returns the chain the server presented.
 */
public final class TlsProbe {

    /** How a listener starts TLS. */
    public enum Start { IMPLICIT, SMTP, IMAP, POP3, MANAGESIEVE }

    private TlsProbe() {
    }

    /** The server's chain; {@code sni} null sends no server name. The client checks nothing but does the handshake. */
    public static X509Certificate[] chain(int port, Start start, String sni) throws IOException {
        return chain(port, start, sni, TrustAll.context());
    }

    /** As {@link #chain(int, Start, String)} with the given client context (one that verifies, to check a chain). */
    public static X509Certificate[] chain(int port, Start start, String sni, SSLContext client) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(10_000);
            if (start != Start.IMPLICIT) startTls(plain, start);
            SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(plain, sni == null ? "127.0.0.1" : sni, port, true);
            SSLParameters p = tls.getSSLParameters();
            p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            tls.setSSLParameters(p);
            tls.startHandshake();
            return (X509Certificate[]) tls.getSession().getPeerCertificates();
        }
    }

    /** The leaf's subject DN. */
    public static String subject(int port, Start start, String sni) throws IOException {
        return chain(port, start, sni)[0].getSubjectX500Principal().getName();
    }

    private static void startTls(Socket s, Start start) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        switch (start) {
            case SMTP -> {
                expect(in, "220 ");
                send(out, "EHLO probe.example");
                expect(in, "250 ");
                send(out, "STARTTLS");
                expect(in, "220 ");
            }
            case IMAP -> {
                expect(in, "* OK");
                send(out, "a STARTTLS");
                expect(in, "a OK");
            }
            case POP3 -> {
                expect(in, "+OK");
                send(out, "STLS");
                expect(in, "+OK");
            }
            case MANAGESIEVE -> {
                expect(in, "OK");
                send(out, "STARTTLS");
                expect(in, "OK");
            }
            case IMPLICIT -> throw new IllegalArgumentException();
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads lines until one starts with {@code prefix} (skipping continuation lines). */
    private static void expect(BufferedReader in, String prefix) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith(prefix)) return;
        }
        throw new IOException("connection closed waiting for " + prefix);
    }
}
