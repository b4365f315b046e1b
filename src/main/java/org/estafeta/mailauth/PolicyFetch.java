package org.estafeta.mailauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.estafeta.dns.Dns;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} as RFC 8461 §3.3 asks: the host name
 * resolved through our resolver (the same DNS that mail routing sees), a certificate valid for that
 * name (PKIX and RFC 6125 host name checks by the JDK, with {@code tls.trusted_cas} added to its
 * trust store), status 200 only (no redirect is followed), media type {@code text/plain}, a size limit
 * and a time limit over the whole exchange. HTTP/1.0, so that no chunked body can come back.
 */
public final class PolicyFetch implements MtaSts.Fetcher {

    private static final String PATH = "/.well-known/mta-sts.txt";

    private final Dns dns;
    private final SSLContext tls;
    private final int port;
    private final Duration timeout;
    private final int maxBytes;

    /**
     * @param tls verifying client context (never a trust-all one)
     * @param port 443 except in tests
     */
    public PolicyFetch(Dns dns, SSLContext tls, int port, Duration timeout, int maxBytes) {
        this.dns = dns;
        this.tls = tls;
        this.port = port;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    @Override
    public String fetch(String domain) throws IOException {
        String host = "mta-sts." + domain;
        List<InetAddress> addresses = new ArrayList<>();
        try {
            addresses.addAll(dns.a(host).records());
            addresses.addAll(dns.aaaa(host).records());
        } catch (Dns.TemporaryFailure f) {
            throw new IOException(f.getMessage());
        }
        if (addresses.isEmpty()) throw new IOException(host + " has no address");
        IOException last = null;
        for (InetAddress address : addresses) {
            try {
                return fetch(host, address);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private String fetch(String host, InetAddress address) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), Math.toIntExact(timeout.toMillis()));
            plain.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true)) {
                SSLParameters p = socket.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                p.setServerNames(List.of(new SNIHostName(host)));
                socket.setSSLParameters(p);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + PATH + " HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: Estafeta\r\nAccept: text/plain\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return response(socket.getInputStream(), deadline, host);
            }
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException("TLS with " + host + ": " + e.getMessage(), e);
        }
    }

    private String response(InputStream in, long deadline, String host) throws IOException {
        String status = line(in, deadline);
        // §3.3: "HTTP 3xx redirects MUST NOT be followed"; anything but 200 means no policy.
        if (!status.matches("HTTP/1\\.[01] 200( .*)?")) throw new IOException(host + " answered " + clip(status));
        String contentType = null;
        long length = -1;
        for (String field; !(field = line(in, deadline)).isEmpty(); ) {
            int colon = field.indexOf(':');
            if (colon < 0) continue;
            String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT), value = field.substring(colon + 1).strip();
            if (name.equals("content-type")) contentType = value.toLowerCase(Locale.ROOT);
            if (name.equals("content-length") && value.matches("\\d{1,18}")) length = Long.parseLong(value);
        }
        // §3.3: the policy is served as text/plain (parameters such as charset allowed).
        if (contentType == null || !contentType.split(";", 2)[0].strip().equals("text/plain")) {
            throw new IOException("policy of " + host + " is not text/plain but " + contentType);
        }
        if (length > maxBytes) throw new IOException("policy of " + host + " is over " + maxBytes + " octets");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            checkTime(deadline, host);
            body.write(buf, 0, n);
            if (body.size() > maxBytes) throw new IOException("policy of " + host + " is over " + maxBytes + " octets");
            if (length >= 0 && body.size() >= length) break;
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** One header line (CRLF or LF), at most 8 KiB. */
    private static String line(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() > 8192) throw new IOException("HTTP header line too long");
            line.write(b);
        }
        if (b < 0) throw new IOException("connection closed in the HTTP header");
        if (System.nanoTime() > deadline) throw new IOException("policy fetch took too long");
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private void checkTime(long deadline, String host) throws IOException {
        if (System.nanoTime() > deadline) throw new IOException("policy fetch from " + host + " took over " + timeout.toSeconds() + "s");
    }

    private static String clip(String s) {
        return TagList.clip(s);
    }
}
