package org.estafeta.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.auth.Authenticator;
import org.estafeta.events.SessionTraces;
import org.estafeta.net.ClientText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the CLI reaches what only the running server knows (its memory): the failed-login throttle's
 * blocks (on one SQLite node; a cluster keeps them in the database), and its live sessions. A Unix
 * domain socket {@code control.sock} in the data directory, as Dovecot's doveadm and Postfix's
 * postqueue reach their servers: the directory is 0700 and the socket 0600, so exactly who may run the
 * CLI on the store may use it, with no password or token to manage, and nothing listens on the network. One request line, answered by lines and an empty line:
 * <pre>
 * blocks                 one line per block: kind, subject, failures, until (ISO-8601), tab-separated
 * unblock SUBJECT        "lifted N"
 * end-sessions ADDRESS   "ended N" (an account the CLI disabled or re-passworded)
 * reload                 reads the configuration again (as SIGHUP): one line per change, "applied: KEY" or "needs a restart: KEY"
 * trace [protocol=P] [address=A]
 *                        the live session trace, one line per event (SessionTraces.Event.format), for
 *                        as long as the client stays connected: no empty line ends it
 * </pre>
 */
public final class ControlSocket implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);
    static final String FILE = "control.sock";
    /** Longest request line; requests are a word and an address. */
    private static final int MAX_LINE = 1024;

    private final ServerSocketChannel channel;
    private final Path path;
    private final Authenticator authenticator;
    private final java.util.function.Supplier<List<String>> reload;
    private final SessionTraces traces;

    private ControlSocket(ServerSocketChannel channel, Path path, Authenticator authenticator, java.util.function.Supplier<List<String>> reload,
                          SessionTraces traces) {
        this.channel = channel;
        this.path = path;
        this.authenticator = authenticator;
        this.reload = reload;
        this.traces = traces;
    }

    /** Listens in {@code dataDir}; a socket file left by a server killed before is replaced (the data directory lock says we own it). */
    static ControlSocket open(Path dataDir, Authenticator authenticator, java.util.function.Supplier<List<String>> reload, SessionTraces traces)
            throws IOException {
        Path path = dataDir.resolve(FILE);
        Files.deleteIfExists(path);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        ControlSocket c = new ControlSocket(channel, path, authenticator, reload, traces);
        Thread.ofVirtual().name("control").start(c::accept);
        return c;
    }

    private void accept() {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                Thread.ofVirtual().name("control-client").start(() -> serve(client));
            } catch (IOException e) {
                if (channel.isOpen()) log.warn("control socket: accept failed: {}", e.toString());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
             var out = new PrintWriter(Channels.newOutputStream(client), false, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            if (line == null) return;
            if (line.startsWith("trace") && line.length() <= MAX_LINE) {
                trace(line.substring("trace".length()).strip(), client, out);
                return;
            }
            for (String reply : answer(line.length() > MAX_LINE ? "" : line.strip())) out.print(reply + "\n");
            out.print("\n");
            out.flush();
        } catch (IOException e) {
            log.debug("control socket: {}", e.toString());
        }
    }

    /**
     * Streams the trace until the CLI goes away. The CLI sends nothing more after its request, so a
     * read that ends tells that it has gone (Ctrl-C), even while no session says anything.
     */
    private void trace(String args, SocketChannel client, PrintWriter out) throws IOException {
        String protocol = null, address = null;
        for (String word : args.split(" +")) {
            if (word.startsWith("protocol=")) protocol = word.substring("protocol=".length());
            else if (word.startsWith("address=")) address = word.substring("address=".length());
        }
        try (var subscription = traces.subscribe(new SessionTraces.Filter(null, protocol, address, null))) {
            Thread watcher = Thread.ofVirtual().name("control-trace").start(() -> {
                try {
                    while (Channels.newInputStream(client).read() >= 0) {
                        // nothing more is expected; wait for the end
                    }
                } catch (IOException ignored) {
                    // gone
                }
            });
            out.print("watching\n");
            out.flush();
            while (watcher.isAlive() && !out.checkError()) {
                for (SessionTraces.Event e : subscription.next(java.time.Duration.ofMillis(500))) {
                    out.print(e.format() + "\n");
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The answer to "blocks" or "unblock SUBJECT" from an authenticator: this server's, or on a shared
     * database one the CLI makes itself (the counts are in the database, so it needs no server).
     */
    public static List<String> throttle(Authenticator authenticator, String verb, String arg) {
        List<String> out = new ArrayList<>();
        if (verb.equals("blocks")) {
            authenticator.blocks().forEach(b -> out.add(b.kind() + "\t" + b.subject() + "\t" + b.failures() + "\t" + b.until()));
        } else {
            out.add(arg.isEmpty() ? "error: unblock needs an IP address or an account" : "lifted " + authenticator.unblock(arg));
        }
        return out;
    }

    private List<String> answer(String request) {
        int space = request.indexOf(' ');
        String verb = space < 0 ? request : request.substring(0, space);
        String arg = space < 0 ? "" : request.substring(space + 1).strip();
        List<String> out = new ArrayList<>();
        switch (verb) {
            case "blocks", "unblock" -> out.addAll(throttle(authenticator, verb, arg));
            case "reload" -> out.addAll(reload.get());
            case "end-sessions" -> out.add(arg.isEmpty() ? "error: end-sessions needs an account" : "ended " + authenticator.sessions().end(arg));
            default -> out.add("error: unknown request " + ClientText.printable(verb));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("control socket: closing: {}", e.toString());
        }
    }

    /**
     * The CLI's side: sends one request to the server running on {@code dataDir} and returns its
     * answer lines, or null when no server is running there.
     */
    public static List<String> request(Path dataDir, String request) throws IOException {
        Path path = dataDir.resolve(FILE);
        if (!Files.exists(path)) return null;
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (java.net.ConnectException e) {
            return null;
        }
        try (ch; var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))) {
            ch.write(java.nio.ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            List<String> lines = new ArrayList<>();
            for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) lines.add(l);
            return lines;
        }
    }

    /**
     * The CLI's side of a streamed answer ({@code trace}): each line goes to {@code sink} until the
     * server closes or the sink throws. False when no server is running on {@code dataDir}.
     */
    public static boolean stream(Path dataDir, String request, java.util.function.Consumer<String> sink) throws IOException {
        Path path = dataDir.resolve(FILE);
        if (!Files.exists(path)) return false;
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (java.net.ConnectException e) {
            return false;
        }
        try (ch; var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))) {
            ch.write(java.nio.ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            for (String l = in.readLine(); l != null; l = in.readLine()) sink.accept(l);
        }
        return true;
    }
}
