package org.estafeta.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Sends {@code text} one octet per {@code every} on a thread of its own, until stopped or refused. */
public record Trickle(Thread thread, AtomicInteger sent) {
    public static Trickle start(Socket s, String text, Duration every) {
        AtomicInteger sent = new AtomicInteger();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (char c : text.toCharArray()) {
                    out.write(c);
                    out.flush();
                    sent.incrementAndGet();
                    Thread.sleep(every);
                }
            } catch (IOException | InterruptedException e) {
                // the server hung up, or the test is done
            }
        });
        return new Trickle(t, sent);
    }

    public void stop() {
        thread.interrupt();
    }
}
