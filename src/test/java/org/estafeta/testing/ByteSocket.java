package org.estafeta.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * A socket whose input is a fixed byte array and whose output is kept, so that a fuzz target can run
 * the real {@link org.estafeta.net.Connection} line discipline millions of times without a kernel
 * round trip. Timeouts and TCP options are accepted and mean nothing here.
 */
public final class ByteSocket extends Socket {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** What the next read returns; {@link #feed} replaces it under the same stream {@link #in}. */
    private ByteArrayInputStream source;
    private final InputStream in = new InputStream() {
        @Override
        public int read() {
            return source.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return source.read(b, off, len);
        }
    };
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ByteSocket(byte[] input) {
        this.source = new ByteArrayInputStream(input);
    }

    /**
     * The next input, for one connection that reads one fuzz input after another (a Connection per
     * input is most of a fuzz run's time: its buffers alone are 32 KB). The connection must have read
     * the previous input to its end, so that nothing of it is left in its read-ahead.
     */
    public void feed(byte[] input) {
        source = new ByteArrayInputStream(input);
        out.reset();
    }

    /** Everything written to the socket so far. */
    public byte[] written() {
        return out.toByteArray();
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return LOOPBACK;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return LOOPBACK;
    }

    @Override
    public void setSoTimeout(int timeout) {
    }

    @Override
    public void setTcpNoDelay(boolean on) {
    }

    /** Closing keeps what was written readable; it only marks the socket closed, as a server's registries see it. */
    private volatile boolean closed;

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }
}
