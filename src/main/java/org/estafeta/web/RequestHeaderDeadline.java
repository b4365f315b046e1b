package org.estafeta.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slowloris on HTTP: Jetty's idle timeout bounds only each wait for a byte, so a client sending one
 * header byte a second would hold a connection forever. This bounds the whole wait for a request: from
 * the connection's opening (its TLS handshake included) or the end of the previous request on it, the
 * next request line and header fields must all have arrived within {@code limits.command_timeout} —
 * the mail protocols' deadline for one command line — or the connection is closed. Jetty has no such
 * setting, hence a timer per connection: armed when it opens and when a request completes, disarmed
 * when Jetty hands a request to the handlers (customizers run exactly then). The body is not covered:
 * a slow upload is bounded by the request size limit and the idle timeout.
 */
final class RequestHeaderDeadline implements Connection.Listener, HttpConfiguration.Customizer {

    private static final Logger log = LoggerFactory.getLogger(RequestHeaderDeadline.class);

    private final Duration timeout;
    /** The server whose scheduler runs the timers (started with it, so looked up only once connections open). */
    private final Server server;
    private final Map<Connection, Scheduler.Task> armed = new ConcurrentHashMap<>();

    RequestHeaderDeadline(Duration timeout, Server server) {
        if (!timeout.isPositive()) throw new IllegalArgumentException("the request header deadline must be positive");
        this.timeout = timeout;
        this.server = server;
    }

    @Override
    public void onOpened(Connection connection) {
        // TLS and PROXY connections come first, each handing over to the HTTP/1.1 connection, which is
        // also its requests' metadata (Jetty's class for it is internal): one timer, on that one.
        if (connection instanceof ConnectionMetaData) arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        disarm(connection);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        Connection connection = request.getConnectionMetaData().getConnection();
        disarm(connection);
        Request.addCompletionListener(request, failure -> {
            if (connection.getEndPoint().isOpen()) arm(connection);
        });
        return request;
    }

    private void arm(Connection connection) {
        Scheduler.Task[] task = new Scheduler.Task[1];
        task[0] = server.getScheduler().schedule(() -> expire(connection, task[0]), timeout.toMillis(), TimeUnit.MILLISECONDS);
        Scheduler.Task previous = armed.put(connection, task[0]);
        if (previous != null) previous.cancel();
    }

    private void disarm(Connection connection) {
        Scheduler.Task task = armed.remove(connection);
        if (task != null) task.cancel();
    }

    private void expire(Connection connection, Scheduler.Task task) {
        // Only the timer still armed closes: a request that reached the handlers in the meantime removed it.
        if (task == null || !armed.remove(connection, task)) return;
        log.debug("web connection from {}: no complete request headers within {} s, closed",
                connection.getEndPoint().getRemoteSocketAddress(), timeout.toSeconds());
        connection.getEndPoint().close();
    }
}
