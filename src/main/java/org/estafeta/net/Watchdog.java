package org.estafeta.net;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a whole exchange whose reads are not ours to time one by one (the JDK's TLS handshake, a PROXY
 * header read octet by octet): past the deadline the socket is closed, the blocked read fails, and the
 * failure is reported as a {@link SocketTimeoutException}. The idle timeout alone would let a client that
 * sends one octet just before each timeout (slowloris) hold the connection for ever.
 */
final class Watchdog {

    interface Exchange<T> {
        T run() throws IOException;
    }

    private Watchdog() {
    }

    static <T> T within(Socket socket, Duration deadline, String what, Exchange<T> exchange) throws IOException {
        CountDownLatch finished = new CountDownLatch(1);
        Thread.ofVirtual().name("deadline").start(() -> {
            try {
                if (!finished.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) socket.close();
            } catch (InterruptedException | IOException ignored) {
                // nothing to close, or it is closed
            }
        });
        try {
            return exchange.run();
        } catch (IOException e) {
            if (socket.isClosed()) throw new SocketTimeoutException(what + " not done within " + deadline.toSeconds() + " s");
            throw e;
        } finally {
            finished.countDown();
        }
    }
}
