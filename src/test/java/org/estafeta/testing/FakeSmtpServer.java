package org.estafeta.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving SMTP receiver for outbound tests: a plain-SMTP conversation that can hang up in the
 * middle of DATA, or after its 250 to the data, without QUIT; or keep its greeting back until the test
 * lets it go ({@link #holdGreetings}), so that senders are caught mid-delivery.
 */
public final class FakeSmtpServer implements AutoCloseable {

    public enum Behaviour { ACCEPT_ALL, DROP_DURING_DATA, DROP_AFTER_250 }

    private final ServerSocket server;
    private final Behaviour behaviour;
    /** Messages this server answered 250 to. */
    public final AtomicInteger accepted = new AtomicInteger();
    public final AtomicInteger connections = new AtomicInteger();
    /** The Message-ID of each message answered 250, as many times as it came. */
    public final java.util.Queue<String> messageIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Open: greet at once; closed by {@link #holdGreetings}: every new connection waits here for {@link #releaseGreetings}. */
    private volatile java.util.concurrent.CountDownLatch greetingGate = new java.util.concurrent.CountDownLatch(0);

    public FakeSmtpServer(Behaviour behaviour) throws IOException {
        this(behaviour, 0);
    }

    public FakeSmtpServer(Behaviour behaviour, int port) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    /** From now on, connections are accepted but not greeted until {@link #releaseGreetings}. */
    public void holdGreetings() {
        greetingGate = new java.util.concurrent.CountDownLatch(1);
    }

    public void releaseGreetings() {
        greetingGate.countDown();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        converse(s);
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private void converse(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        try {
            greetingGate.await();
        } catch (InterruptedException e) {
            return;
        }
        say(out, "220 fake.example ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
            switch (verb) {
                case "EHLO" -> say(out, "250-fake.example\r\n250 PIPELINING");
                case "DATA" -> {
                    say(out, "354 go ahead");
                    if (behaviour == Behaviour.DROP_DURING_DATA) {
                        in.readLine();
                        return;
                    }
                    String messageId = null;
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        if (messageId == null && line.regionMatches(true, 0, "Message-ID:", 0, 11)) messageId = line.substring(11).strip();
                    }
                    if (line == null) return;
                    say(out, "250 2.0.0 accepted");
                    accepted.incrementAndGet();
                    if (messageId != null) messageIds.add(messageId);
                    if (behaviour == Behaviour.DROP_AFTER_250) return;
                }
                case "QUIT" -> {
                    say(out, "221 bye");
                    return;
                }
                default -> say(out, "250 ok");
            }
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
