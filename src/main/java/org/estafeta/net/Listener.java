package org.estafeta.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on one port and serves each on its own virtual thread. With a TLS context the
 * port speaks implicit TLS (465, 993, 995): the handshake runs on the connection's thread, so a slow
 * client never stalls the accept loop.
 */
public final class Listener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    private final ServerSocket server;
    private final Protocol protocol;
    private final SSLContext implicitTls;
    private final ConnectionLimiter limiter;
    private final Deadlines deadlines;
    /** Load balancers (net.proxy_from) whose connections must start with a PROXY header naming the client. */
    private final Networks proxyFrom;
    private final Trace.Tap traces;
    private final Thread acceptor;
    /** Sessions being served now (for the admin's status page). */
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    /** The connections being served, so that a shutdown can reach them ({@link #drain}). */
    private final java.util.Set<Connection> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    public Listener(InetSocketAddress bind, Protocol protocol, SSLContext implicitTls, ConnectionLimiter limiter,
                    Deadlines deadlines, Networks proxyFrom, Trace.Tap traces) throws IOException {
        this.protocol = protocol;
        this.proxyFrom = proxyFrom;
        this.traces = traces;
        this.implicitTls = implicitTls;
        this.limiter = limiter;
        this.deadlines = deadlines;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(bind, 512);
        } catch (java.net.BindException e) {
            server.close();
            throw new java.net.BindException("cannot listen for " + protocol.name() + " on port " + bind.getPort() + ": " + e.getMessage()
                    + " (another server running? change the port with --port-offset or ports." + protocol.name() + ")");
        }
        this.acceptor = Thread.ofPlatform().name(protocol.name() + "-accept").daemon().start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String protocolName() {
        return protocol.name();
    }

    /** Connections being served at this moment. */
    public int openConnections() {
        return open.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                log.warn("{}: accept failed: {}", protocol.name(), e.toString());
                continue;
            }
            Thread.ofVirtual().name(protocol.name() + "-" + socket.getPort()).start(() -> handle(socket));
        }
    }

    private void handle(Socket socket) {
        InetSocketAddress client;
        try {
            client = clientOf(socket);
        } catch (IOException e) {
            // A load balancer that sends no valid header is misconfigured (or not the load balancer): say so.
            log.warn("{}: closed a connection from proxy {}: {}", protocol.name(), socket.getInetAddress().getHostAddress(), e.getMessage());
            closeQuietly(socket);
            return;
        }
        InetAddress peer = client.getAddress();
        ConnectionLimiter.Refusal refusal = limiter.tryAcquire(peer);
        boolean holdsSlot = refusal == null;
        try {
            Socket s = implicitTls != null ? handshake(socket) : socket;
            try (Connection connection = new Connection(s, deadlines, client)) {
                connection.attachTrace(traces, protocol.name(), protocol.traceRules());
                if (refusal != null) {
                    log.info("{}: refused {}: {}", protocol.name(), peer.getHostAddress(), refusal);
                    protocol.refuse(connection, refusal);
                } else {
                    open.incrementAndGet();
                    connections.add(connection);
                    // A connection accepted just as the shutdown began is not left out of it.
                    if (draining) connection.drain();
                    try {
                        protocol.serve(connection);
                    } finally {
                        connections.remove(connection);
                        open.decrementAndGet();
                        // Before the socket closes: a client that saw the close may connect again at once.
                        limiter.release(peer);
                        holdsSlot = false;
                    }
                }
            }
        } catch (IOException e) {
            log.debug("{}: connection from {} ended: {}", protocol.name(), peer.getHostAddress(), e.toString());
        } catch (RuntimeException e) {
            log.error("{}: session from {} failed", protocol.name(), peer.getHostAddress(), e);
        } finally {
            if (holdsSlot) limiter.release(peer);
            closeQuietly(socket);
        }
    }

    /**
     * The client: the socket's peer, or, when the peer is a load balancer in net.proxy_from, the client its
     * PROXY header names (proxy-protocol.txt). From there the header is required, and it comes first,
     * before the TLS handshake of an implicit-TLS port; it is read within the command-line deadline. From
     * anyone else a PROXY header is not looked for: the session sees it as the bad command it is.
     */
    private InetSocketAddress clientOf(Socket socket) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
        if (!proxyFrom.contains(peer.getAddress())) return peer;
        socket.setSoTimeout(Math.toIntExact(Math.min(deadlines.idle().toMillis(), deadlines.commandLine().toMillis())));
        ProxyHeader header = Watchdog.within(socket, deadlines.commandLine(), "PROXY header", () -> ProxyHeader.read(socket.getInputStream()));
        if (header.client() == null) {
            // A v2 LOCAL header: the load balancer's own health check, served as a connection from it.
            log.debug("{}: health check from proxy {}", protocol.name(), peer.getAddress().getHostAddress());
            return peer;
        }
        return header.client();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private SSLSocket handshake(Socket plain) throws IOException {
        return Connection.serverHandshake(implicitTls, plain, deadlines);
    }

    /**
     * The first step of a graceful shutdown: accepts no more connections and tells each session to end
     * ({@link Connection#drain}); the sessions that are in the middle of a command finish it first.
     */
    public void drain() throws IOException {
        draining = true;
        close();
        for (Connection c : connections) c.drain();
    }

    /** Cuts the sessions still open (a shutdown's grace time is over). */
    public void abortAll() {
        for (Connection c : connections) c.abort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
