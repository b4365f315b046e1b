package org.estafeta.net;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.estafeta.tls.TlsContexts;

/**
 * A client connection with the line discipline every text protocol here shares: lines end in CRLF or
 * a bare LF, are limited in length, and a TLS upgrade throws away anything read ahead of it.
 * Blocking I/O on the connection's own virtual thread. Every read is bounded by the idle timeout and,
 * while a command line or a bulk transfer is under way, by its deadline ({@link Deadlines}); a
 * deadline that passes is a {@link SocketTimeoutException}, as an idle timeout is.
 */
public final class Connection implements Closeable {

    private static final int BUFFER = 16 * 1024;

    /** Volatile: {@link #abort()} reads it from another thread. */
    private volatile Socket socket;
    private InputStream in;
    private OutputStream out;
    /** Read-ahead: bytes buf[pos..limit) arrived but are not consumed yet (pipelined commands). */
    private final byte[] buf = new byte[BUFFER];
    private int pos, limit;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    /** Names this session in every log line about it, so that an error can be matched to its start and end. */
    private final String id = java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt());

    private Deadlines deadlines;
    /** The socket's read timeout now, to set it only when it changes. */
    private int readTimeout;
    /** System.nanoTime() when the line being read got its first byte; -1 between lines. */
    private long lineStarted = -1;
    /** System.nanoTime() when the bulk transfer under way began, -1 if none; and the octets read since. */
    private long transferStarted = -1;
    private long transferred;
    /** The live trace's tap: every line and byte in and out passes it (off until a listener attaches one). */
    private Wiretap tap = Wiretap.off();

    /** What a session says when the server shuts down (its 421, its BYE), and when it may say it. */
    public interface Goodbye {
        void say() throws IOException;
    }

    /** RFC 5321 §3.8 and RFC 9051 §7.1.5 allow an unsolicited goodbye; POP3 (RFC 1939) only answers commands. */
    public enum GoodbyeTiming { AT_ONCE, AT_NEXT_COMMAND }

    /** Guards the shutdown state below: {@link #drain} runs on another thread than the session. */
    private final java.util.concurrent.locks.ReentrantLock shutdownLock = new java.util.concurrent.locks.ReentrantLock();
    private Goodbye goodbye;
    private GoodbyeTiming goodbyeTiming;
    private boolean draining, goodbyeSaid, awaitingCommand;

    public Connection(Socket socket, Deadlines deadlines) throws IOException {
        this(socket, deadlines, (InetSocketAddress) socket.getRemoteSocketAddress());
    }

    /**
     * A connection whose client is {@code client} rather than the socket's peer: the one a load balancer
     * named in its PROXY header ({@link ProxyHeader}), which every rule by address, log line and
     * Received header then sees.
     */
    public Connection(Socket socket, Deadlines deadlines, InetSocketAddress client) throws IOException {
        this.socket = socket;
        this.deadlines = deadlines;
        this.remote = client;
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
        socket.setTcpNoDelay(true);
        attachStreams();
    }

    private void attachStreams() throws IOException {
        in = socket.getInputStream();
        out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    /**
     * Puts this connection under the live session trace, with {@code rules} for what to mask and shorten;
     * on an implicit-TLS port the handshake already done is its first line.
     */
    public void attachTrace(Trace.Tap traces, String protocol, TraceRules rules) {
        tap = new Wiretap(rules, traces.open(protocol, this), traces.excerptLines());
        if (socket instanceof SSLSocket s) tap.tls(s.getSession());
    }

    /** The account this session logged in as, for the live trace: its owner may now watch it. */
    public void loggedIn(String address) {
        tap.trace().user(address);
    }

    /** Eight hex digits, random: the session id in the logs. */
    public String id() {
        return id;
    }

    public InetAddress remoteAddress() {
        return remote.getAddress();
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    /** The TLS session once the connection is encrypted, else null. */
    public SSLSession tlsSession() {
        return socket instanceof SSLSocket s ? s.getSession() : null;
    }

    public boolean isTls() {
        return socket instanceof SSLSocket;
    }

    /** The next line, or null at the end of the stream. A line longer than {@code max} is returned TRUNCATED. */
    public Line readLine(int max) throws IOException {
        try {
            Line line = readLineUntilDeadline(max);
            if (line != null) tap.clientLine(line.bytes());
            return line;
        } finally {
            lineStarted = -1;
        }
    }

    private Line readLineUntilDeadline(int max) throws IOException {
        byte[] line = new byte[Math.min(max, 256)];
        int len = 0;
        while (true) {
            if (pos == limit && !fill()) {
                return len == 0 ? null : new Line(Arrays.copyOf(line, len), Line.Ending.EOF);
            }
            int start = pos;
            int lf = -1;
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            int end = lf >= 0 ? lf : limit;
            int take = Math.min(end - start, max - len);
            if (lineStarted < 0 && (take > 0 || lf >= 0)) lineStarted = System.nanoTime();
            if (len + take > line.length) line = Arrays.copyOf(line, Math.min(max, Math.max(line.length * 2, len + take)));
            System.arraycopy(buf, start, line, len, take);
            len += take;
            pos = start + take;
            if (lf >= 0 && pos == lf) {
                pos = lf + 1;
                boolean cr = len > 0 && line[len - 1] == '\r';
                return new Line(Arrays.copyOf(line, cr ? len - 1 : len), cr ? Line.Ending.CRLF : Line.Ending.LF);
            }
            if (len == max) return new Line(Arrays.copyOf(line, len), Line.Ending.TRUNCATED);
        }
    }

    /**
     * The next command line, as {@link #readLine}; once the server is shutting down ({@link #drain}),
     * the session's goodbye is said (if it was not already) and {@link ShuttingDown} is thrown instead:
     * a command that arrives during the shutdown is answered with the goodbye, not run.
     */
    public Line readCommand(int max) throws IOException {
        shutdownLock.lock();
        try {
            if (draining && goodbyeTiming == GoodbyeTiming.AT_ONCE) throw sayGoodbye();
            awaitingCommand = true;
        } finally {
            shutdownLock.unlock();
        }
        Line line;
        try {
            line = readLine(max);
        } catch (IOException e) {
            shutdownLock.lock();
            try {
                if (draining) throw sayGoodbye();
            } finally {
                shutdownLock.unlock();
            }
            throw e;
        } finally {
            shutdownLock.lock();
            awaitingCommand = false;
            shutdownLock.unlock();
        }
        shutdownLock.lock();
        try {
            if (draining) throw sayGoodbye();
        } finally {
            shutdownLock.unlock();
        }
        return line;
    }

    /** What to say when the server shuts down; without it, a shutdown cuts the connection at once. */
    public void onShutdown(GoodbyeTiming timing, Goodbye goodbye) {
        shutdownLock.lock();
        try {
            this.goodbyeTiming = timing;
            this.goodbye = goodbye;
        } finally {
            shutdownLock.unlock();
        }
    }

    /**
     * The server is shutting down (from the listener's thread). A session waiting for a command with an
     * unsolicited goodbye gets it now and is closed; one in the middle of a command (a DATA transfer)
     * finishes it and says goodbye at its next command (answers it, for POP3); one without a goodbye is
     * cut.
     */
    public void drain() {
        shutdownLock.lock();
        try {
            draining = true;
            if (goodbye == null) {
                abort();
            } else if (awaitingCommand && goodbyeTiming == GoodbyeTiming.AT_ONCE) {
                try {
                    sayGoodbye();
                } catch (IOException e) {
                    // the client is gone already
                }
                // Said, and nothing is under way: hang up rather than wait for a client (a telnet) that may never
                // answer. On its own thread: closing a TLS socket may wait for the session's blocked read.
                Thread.ofVirtual().name("goodbye").start(this::abort);
            }
        } finally {
            shutdownLock.unlock();
        }
    }

    /** Says the goodbye once (under the shutdown lock) and returns what the session ends on. */
    private ShuttingDown sayGoodbye() throws IOException {
        if (!goodbyeSaid && goodbye != null) {
            goodbyeSaid = true;
            goodbye.say();
            out.flush();
        }
        return new ShuttingDown();
    }

    /** Discards input up to and including the next LF (the rest of an overlong line). */
    public void skipLine() throws IOException {
        lineStarted = System.nanoTime();
        try {
            skipToLineEnd();
        } finally {
            lineStarted = -1;
        }
    }

    private void skipToLineEnd() throws IOException {
        while (true) {
            if (pos == limit && !fill()) return;
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    pos = i + 1;
                    return;
                }
            }
            pos = limit;
        }
    }

    /**
     * Copies exactly {@code n} bytes of input to {@code sink} (an IMAP literal, a BDAT chunk), taking the
     * read-ahead first. Returns false if the client hung up before all of them arrived.
     */
    public boolean readExactly(long n, OutputStream sink) throws IOException {
        boolean outer = transferStarted >= 0;
        if (!outer) beginTransfer();
        try {
            return copyExactly(n, sink);
        } finally {
            if (!outer) endTransfer();
        }
    }

    private boolean copyExactly(long n, OutputStream sink) throws IOException {
        long left = n;
        while (left > 0) {
            if (pos == limit && !fill()) return false;
            int take = (int) Math.min(left, limit - pos);
            sink.write(buf, pos, take);
            left -= take;
            tap.clientBytes(buf, pos, take, left == 0);
            pos += take;
        }
        return true;
    }

    /** Whether the client has already sent more (pipelining): then a reply need not be flushed yet. */
    public boolean hasPendingInput() throws IOException {
        return pos < limit || in.available() > 0;
    }

    /**
     * A bulk transfer begins (SMTP DATA; IMAP literals are one by themselves): until {@link #endTransfer},
     * the client must keep up {@link Deadlines#minDataRate()} on average, after a first allowance of
     * the command-line deadline (RFC 5321 §4.5.3.2.5 gives 3 minutes per data block; we allow a
     * minute per line plus the rate, as Postfix's smtpd_min_data_rate does).
     */
    public void beginTransfer() {
        transferStarted = System.nanoTime();
        transferred = pos < limit ? limit - pos : 0;
    }

    public void endTransfer() {
        transferStarted = -1;
    }

    /** Refills the read-ahead; replies still buffered are flushed first, since the client may be waiting for them. */
    private boolean fill() throws IOException {
        out.flush();
        long left = millisToDeadline();
        if (left <= 0) throw new SocketTimeoutException("deadline passed");
        int timeout = (int) Math.min(deadlines.idle().toMillis(), left);
        if (timeout != readTimeout) {
            socket.setSoTimeout(timeout);
            readTimeout = timeout;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        if (transferStarted >= 0) transferred += n;
        pos = 0;
        limit = n;
        return true;
    }

    /** Milliseconds until the nearest deadline running now (the line's, the transfer's), or Long.MAX_VALUE. */
    private long millisToDeadline() {
        long now = System.nanoTime();
        long left = Long.MAX_VALUE;
        long allowance = deadlines.commandLine().toMillis();
        if (lineStarted >= 0) left = allowance - (now - lineStarted) / 1_000_000;
        if (transferStarted >= 0 && deadlines.minDataRate() > 0) {
            left = Math.min(left, allowance + transferred * 1000 / deadlines.minDataRate() - (now - transferStarted) / 1_000_000);
        }
        return left;
    }

    public void write(String text) throws IOException {
        tap.serverText(text);
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    public void write(byte[] bytes, int off, int len) throws IOException {
        tap.serverBytes(bytes, off, len);
        out.write(bytes, off, len);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /**
     * The input as a stream: first what was read ahead, then the socket. For handing the connection
     * to another protocol engine (ATRN turns the session around into an SMTP client).
     */
    public InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                if (pos == limit && !fill()) return -1;
                return buf[pos++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (pos == limit && !fill()) return -1;
                int n = Math.min(len, limit - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /**
     * The buffered output as a stream, for copying message bodies; it follows a TLS upgrade and
     * closing it does nothing (the connection is closed by its listener).
     */
    public OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Connection.this.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }

    /**
     * Upgrades to TLS as the server. Whatever the client pipelined after STARTTLS/STLS is discarded,
     * so that plaintext cannot be injected into the encrypted session (CVE-2011-0411).
     */
    public void startTls(SSLContext context) throws IOException {
        out.flush();
        pos = limit = 0;
        socket = serverHandshake(context, socket, deadlines);
        readTimeout = socket.getSoTimeout();
        attachStreams();
        tap.tls(((SSLSocket) socket).getSession());
    }

    /**
     * Layers TLS over {@code plain} as the server and completes the handshake (Mozilla's intermediate
     * profile) within {@link Deadlines#tlsHandshake()} ({@link Watchdog}: the handshake's reads are the
     * JDK's, and only their idle timeout could be set).
     */
    static SSLSocket serverHandshake(SSLContext context, Socket plain, Deadlines deadlines) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) plain.getRemoteSocketAddress();
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, peer.getHostString(), peer.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(TlsContexts.serverParameters());
        tls.setSoTimeout(Math.toIntExact(Math.min(deadlines.idle().toMillis(), deadlines.tlsHandshake().toMillis())));
        Watchdog.within(plain, deadlines.tlsHandshake(), "TLS handshake", () -> {
            tls.startHandshake();
            return null;
        });
        return tls;
    }

    /** Changes how long the client may stay silent (POP3's and IMAP's sessions wait longer than SMTP's). */
    public void setIdleTimeout(Duration timeout) {
        deadlines = deadlines.withIdle(timeout);
    }

    /**
     * Cuts the connection from another thread (its account was disabled meanwhile): the session's
     * blocked read or write fails and it ends as on a disconnect. No flush: the streams are the
     * session thread's.
     */
    public void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        tap.closed();
        try {
            out.flush();
        } catch (IOException ignored) {
            // the peer is gone; closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
