package org.estafeta.smtp.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.estafeta.net.Connection;
import org.estafeta.net.DotStuffingOutputStream;
import org.estafeta.smtp.Reply;
import org.estafeta.smtp.Xtext;
import org.estafeta.store.AddressKey;
import org.estafeta.store.MailOption;

/**
 * Outbound SMTP (RFC 5321) over one connection: greeting, EHLO (HELO when refused), opportunistic
 * STARTTLS, and transactions with PIPELINING, 8BITMIME and DSN parameters when the server offers them.
 * Timeouts follow RFC 5321 §4.5.3.2 in proportion to one configurable command timeout.
 */
public final class SmtpClient implements Closeable {

    /** One recipient with its DSN parameters (passed on only when the server offers DSN). */
    public record Recipient(String address, String notifyOn, String orcpt) {
    }

    /** Per-recipient replies of a transaction, and the reply to the end of data (null when no recipient was accepted). */
    public record Result(List<Reply> recipientReplies, Reply dataReply) {
    }

    /** How much of a message is looked at for UTF-8 header fields; a header longer than this is looked at in part. */
    private static final int HEADER_PEEK = 64 * 1024;
    /** BDAT chunk size: big enough that the round trip per chunk does not matter. */
    private static final int CHUNK = 256 * 1024;

    private final String remote;
    private final Duration commandTimeout;
    /** The socket we opened, or null when we run over a connection someone else owns (ATRN). */
    private Socket socket;
    private Connection borrowed;
    private InputStream in;
    private OutputStream out;
    /** EHLO keywords, upper-case, with their parameters. */
    private final Map<String, String> extensions = new HashMap<>();
    private final String heloName;

    private SmtpClient(Socket socket, String remote, Duration commandTimeout, String heloName) throws IOException {
        this.socket = socket;
        this.remote = remote;
        this.commandTimeout = commandTimeout;
        this.heloName = heloName;
        attach();
    }

    /**
     * Over a connection that was a server session until now (RFC 2645 ATRN): reads the greeting the
     * other side now sends, and says EHLO. No STARTTLS: the connection is as secure as it already is.
     */
    public static SmtpClient reversed(Connection connection, String remoteName, Duration commandTimeout, String heloName)
            throws SmtpClientException {
        try {
            SmtpClient c = new SmtpClient(connection, remoteName, commandTimeout, heloName);
            c.expect(c.read(commandTimeout), 2, "greeting");
            c.ehlo();
            return c;
        } catch (SmtpClientException e) {
            throw e;
        } catch (IOException e) {
            throw new SmtpClientException("turned connection to " + remoteName + " failed: " + e.getMessage(), e);
        }
    }

    private SmtpClient(Connection connection, String remote, Duration commandTimeout, String heloName) {
        this.borrowed = connection;
        this.remote = remote;
        this.commandTimeout = commandTimeout;
        this.heloName = heloName;
        this.in = new BufferedInputStream(connection.input());
        this.out = connection.output();
    }

    /** Connects, reads the greeting and says EHLO. */
    public static SmtpClient connect(InetSocketAddress address, String remoteName, Duration connectTimeout,
                                     Duration commandTimeout, String heloName) throws SmtpClientException {
        Socket s = new Socket();
        try {
            s.connect(address, Math.toIntExact(connectTimeout.toMillis()));
            SmtpClient c = new SmtpClient(s, remoteName, commandTimeout, heloName);
            // §4.5.3.2.1: five minutes for the greeting, like any command.
            c.expect(c.read(commandTimeout), 2, "greeting");
            c.ehlo();
            return c;
        } catch (SmtpClientException e) {
            closeQuietly(s);
            throw e;
        } catch (IOException e) {
            closeQuietly(s);
            throw new SmtpClientException("cannot talk to " + remoteName + " [" + address.getAddress().getHostAddress() + "]: " + e.getMessage(), e);
        }
    }

    public String remoteName() {
        return remote;
    }

    public boolean supports(String extension) {
        return extensions.containsKey(extension.toUpperCase(Locale.ROOT));
    }

    public boolean isTls() {
        return borrowed != null ? borrowed.isTls() : socket instanceof SSLSocket;
    }

    /** The TLS session of a connection we opened, null in clear (or over a borrowed connection). */
    public javax.net.ssl.SSLSession tlsSession() {
        return socket instanceof SSLSocket tls ? tls.getSession() : null;
    }

    /** Upgrades with STARTTLS when offered (RFC 3207), then says EHLO again; returns whether TLS is now on. */
    public boolean startTlsIfOffered(SSLContext context) throws SmtpClientException {
        if (isTls() || borrowed != null || !supports("STARTTLS")) return isTls();
        try {
            send("STARTTLS");
            expect(read(commandTimeout), 2, "STARTTLS");
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, remote, socket.getPort(), true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            socket = tls;
            attach();
            ehlo();
            return true;
        } catch (SmtpClientException e) {
            throw e;
        } catch (IOException e) {
            throw new SmtpClientException("TLS with " + remote + " failed: " + e.getMessage(), e);
        }
    }

    /** AUTH PLAIN (RFC 4616) at a smarthost; refused without TLS so the password never travels in clear. */
    public void authPlain(String user, String password) throws SmtpClientException {
        if (!isTls()) throw new SmtpClientException("will not send the smarthost password to " + remote + " without TLS", null);
        String token = java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        try {
            send("AUTH PLAIN " + token);
            expect(read(commandTimeout), 2, "AUTH");
        } catch (SmtpClientException e) {
            throw e;
        } catch (IOException e) {
            throw new SmtpClientException("AUTH at " + remote + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * One transaction. The content must have CRLF line ends (as stored); it is dot-stuffed here.
     * Recipient replies come back in order; the data is sent only if some recipient was accepted.
     * {@code options}: BINARYMIME and REQUIRETLS go on MAIL FROM, and a peer that lacks the extension
     * gets nothing: each recipient fails with the RFC's code instead.
     */
    public Result send(String sender, String envelopeId, String ret, Set<MailOption> options, long size,
                       List<Recipient> recipients, InputStream message) throws SmtpClientException {
        boolean binary = options.contains(MailOption.BINARYMIME);
        if (binary && !(supports("BINARYMIME") && supports("CHUNKING"))) {
            // RFC 3030 §3: binary content may not be sent to a peer without BINARYMIME; we do not convert it.
            return refusedAll(recipients, Reply.of(554, "5.6.3", "conversion required but not supported: the message is"
                    + " BODY=BINARYMIME and " + remote + " does not offer BINARYMIME with CHUNKING"));
        }
        boolean requireTls = options.contains(MailOption.REQUIRETLS);
        if (requireTls && !(isTls() && supports("REQUIRETLS"))) {
            // RFC 8689 §4.2.1: never without TLS, never to a peer that would not keep the promise further on.
            return refusedAll(recipients, Reply.of(554, "5.7.30", "REQUIRETLS support required: " + remote + " does not offer REQUIRETLS"));
        }
        try {
            BufferedInputStream content = new BufferedInputStream(message, HEADER_PEEK);
            // RFC 6531 §3.4: UTF-8 in the envelope (a local part; a domain has its A-labels) or the header needs SMTPUTF8.
            boolean smtputf8 = supports("SMTPUTF8");
            if (!smtputf8) {
                sender = asciiDomain(sender);
                recipients = recipients.stream().map(r -> new Recipient(asciiDomain(r.address()), r.notifyOn(), r.orcpt())).toList();
            }
            boolean needsUtf8 = !isAscii(sender) || recipients.stream().anyMatch(r -> !isAscii(r.address())) || headerHasUtf8(content);
            if (needsUtf8 && !smtputf8) {
                // RFC 6531 §3.7.5: never downgraded in transit; each recipient fails with 553 5.6.7 and is bounced.
                return refusedAll(recipients, Reply.of(553, "5.6.7", "the message needs SMTPUTF8, which " + remote + " does not offer"));
            }
            boolean dsn = supports("DSN");
            StringBuilder mail = new StringBuilder("MAIL FROM:<").append(sender).append('>');
            if (supports("SIZE")) mail.append(" SIZE=").append(size);
            if (binary) mail.append(" BODY=BINARYMIME");
            else if (supports("8BITMIME")) mail.append(" BODY=8BITMIME");
            if (needsUtf8) mail.append(" SMTPUTF8");
            if (requireTls) mail.append(" REQUIRETLS");
            if (dsn && ret != null) mail.append(" RET=").append(ret);
            if (dsn && envelopeId != null) mail.append(" ENVID=").append(envelopeId);
            List<String> rcpts = new ArrayList<>();
            for (Recipient r : recipients) {
                StringBuilder rcpt = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
                if (dsn && r.notifyOn() != null) rcpt.append(" NOTIFY=").append(r.notifyOn());
                if (dsn && r.orcpt() != null) rcpt.append(" ORCPT=").append(r.orcpt());
                else if (dsn) rcpt.append(" ORCPT=rfc822;").append(Xtext.encode(r.address()));
                rcpts.add(rcpt.toString());
            }
            boolean pipelining = supports("PIPELINING");
            send(mail.toString());
            if (!pipelining) expect(read(commandTimeout), 2, "MAIL FROM");
            List<Reply> replies = new ArrayList<>();
            for (String rcpt : rcpts) {
                send(rcpt);
                if (!pipelining) replies.add(read(commandTimeout));
            }
            if (pipelining) {
                expect(read(commandTimeout), 2, "MAIL FROM");
                for (int i = 0; i < rcpts.size(); i++) replies.add(read(commandTimeout));
            }
            if (replies.stream().noneMatch(r -> r.code() / 100 == 2)) {
                reset();
                return new Result(replies, null);
            }
            if (supports("CHUNKING")) return new Result(replies, chunks(content));
            send("DATA");
            // §4.5.3.2.2: two minutes for the 354.
            expect(read(commandTimeout.dividedBy(5).multipliedBy(2)), 3, "DATA");
            var data = new DotStuffingOutputStream(out);
            content.transferTo(data);
            data.finish();
            out.flush();
            // §4.5.3.2.6: ten minutes for the reply to the final dot.
            Reply end = read(commandTimeout.multipliedBy(2));
            return new Result(replies, end);
        } catch (SmtpClientException e) {
            throw e;
        } catch (IOException e) {
            throw new SmtpClientException("connection to " + remote + " failed: " + e.getMessage(), e);
        }
    }

    /** The same refusal for every recipient, decided before anything was sent. */
    private static Result refusedAll(List<Recipient> recipients, Reply refusal) {
        return new Result(recipients.stream().map(r -> refusal).toList(), null);
    }

    /**
     * RFC 3030: the content in BDAT chunks, no dot-stuffing, then an empty LAST chunk. Each chunk's reply
     * is awaited before the next is sent; an error ends the transaction with that reply.
     */
    private Reply chunks(InputStream content) throws IOException {
        byte[] buf = new byte[CHUNK];
        while (true) {
            int n = content.readNBytes(buf, 0, buf.length);
            out.write(("BDAT " + n + (n == 0 ? " LAST" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(buf, 0, n);
            out.flush();
            // Like the reply to DATA's final dot (§4.5.3.2.6), the server may take its time to store.
            Reply r = read(commandTimeout.multipliedBy(2));
            if (n == 0 || r.code() / 100 != 2) return r;
        }
    }

    /** Whether the header (the first HEADER_PEEK octets at most) holds a non-ASCII octet; the stream is left unread. */
    private static boolean headerHasUtf8(BufferedInputStream content) throws IOException {
        content.mark(HEADER_PEEK);
        try {
            byte[] head = content.readNBytes(HEADER_PEEK);
            int prev = -1, prev2 = -1, prev3 = -1;
            for (byte b : head) {
                if (b < 0) return true;
                if (b == '\n' && prev == '\r' && prev2 == '\n' && prev3 == '\r') return false;
                prev3 = prev2;
                prev2 = prev;
                prev = b;
            }
            return false;
        } finally {
            content.reset();
        }
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** The address with its domain in A-labels (RFC 6531 §3.7.1 allows that much for a peer without SMTPUTF8). */
    private static String asciiDomain(String address) {
        String a = AddressKey.asciiDomainAddress(address);
        return a == null ? address : a;
    }

    private void reset() throws IOException {
        send("RSET");
        read(commandTimeout);
    }

    public void quit() {
        try {
            send("QUIT");
            read(commandTimeout);
        } catch (IOException ignored) {
            // we are leaving anyway
        }
        close();
    }

    /** Closes the socket we opened; a borrowed connection is left to its owner. */
    @Override
    public void close() {
        if (socket != null) closeQuietly(socket);
    }

    private void ehlo() throws IOException {
        send("EHLO " + heloName);
        Reply r = read(commandTimeout);
        extensions.clear();
        if (r.code() / 100 != 2) {
            send("HELO " + heloName);
            expect(read(commandTimeout), 2, "HELO");
            return;
        }
        for (String line : r.lines().subList(1, r.lines().size())) {
            String[] kv = line.split(" ", 2);
            extensions.put(kv[0].toUpperCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
        }
    }

    private void send(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private Reply read(Duration timeout) throws IOException {
        if (socket != null) socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
        else borrowed.setIdleTimeout(timeout);
        List<String> lines = new ArrayList<>();
        int code = -1;
        String enhanced = null;
        while (true) {
            String line;
            try {
                line = readLine();
            } catch (SocketTimeoutException e) {
                throw new SmtpClientException("timeout waiting for " + remote, e);
            }
            if (line == null) throw new SmtpClientException("connection closed by " + remote, null);
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new SmtpClientException("unexpected answer from " + remote + ": " + line.substring(0, Math.min(line.length(), 100)), null);
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (c < 200 || c > 599 || (code >= 0 && c != code)) {
                throw new SmtpClientException("unexpected answer from " + remote + ": " + line.substring(0, Math.min(line.length(), 100)), null);
            }
            code = c;
            String text = line.length() > 4 ? line.substring(4) : "";
            if (lines.isEmpty() && text.matches("[245]\\.\\d{1,3}\\.\\d{1,3}( .*)?")) {
                int sp = text.indexOf(' ');
                enhanced = sp < 0 ? text : text.substring(0, sp);
            }
            if (enhanced != null && text.startsWith(enhanced)) text = text.substring(enhanced.length()).stripLeading();
            lines.add(text);
            if (line.length() == 3 || line.charAt(3) == ' ') return new Reply(code, enhanced, lines);
            if (lines.size() > 100) throw new SmtpClientException("reply too long from " + remote, null);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            if (line.size() > 4096) throw new SmtpClientException("line too long from " + remote, null);
            line.write(b);
        }
        return null;
    }

    private void expect(Reply r, int klass, String stage) throws SmtpClientException {
        if (r.code() / 100 != klass) throw new SmtpClientException(r, stage);
    }

    private void attach() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
