package org.estafeta.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailbox notices across the nodes of a cluster, over PostgreSQL's LISTEN/NOTIFY: what one node
 * publishes reaches the IDLE sessions and the webmail of every other node, with nothing in between but
 * the database they already share. Two connections of their own (not the store's pool): one listens,
 * one sends. Sending is queued, so that {@link MailboxEvents#publish} never waits for the database;
 * a notice says only "account A, mailbox M changed" ({@code node:account:mailbox}), as in-process ones
 * do, so a lost or repeated one cannot mislead: listeners look at the store. When a connection fails it
 * is made again every {@link #RETRY}; notices that may have been missed meanwhile make every local
 * listener look ({@link MailboxEvents#mayHaveMissed}).
 */
public final class ClusterNotices implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterNotices.class);

    /** The NOTIFY channel (an SQL identifier). */
    static final String CHANNEL = "estafeta_mailbox";
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** How long a wait for notifications lasts before the listener looks whether it is closed. */
    private static final int POLL_MILLIS = 500;

    /** Opens a new connection to the cluster's database. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final MailboxEvents events;
    private final Connector connector;
    /** Names this node in its notices, so that it skips its own when they come back to it. */
    private final String node = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final LinkedBlockingQueue<long[]> outgoing = new LinkedBlockingQueue<>();
    private final Thread listener, sender;
    private volatile boolean closed;

    private ClusterNotices(MailboxEvents events, Connector connector) {
        this.events = events;
        this.connector = connector;
        this.listener = Thread.ofVirtual().name("cluster-notices-in").unstarted(this::listen);
        this.sender = Thread.ofVirtual().name("cluster-notices-out").unstarted(this::send);
    }

    /** Starts carrying {@code events}' notices to and from the other nodes. */
    public static ClusterNotices start(MailboxEvents events, Connector connector) {
        ClusterNotices notices = new ClusterNotices(events, connector);
        notices.listener.start();
        notices.sender.start();
        events.broadcastTo((account, mailbox) -> notices.outgoing.add(new long[] {account, mailbox}));
        return notices;
    }

    private void listen() {
        boolean missed = false;
        while (!closed) {
            try (Connection c = connector.open(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
                // Listening again after a failure: what was sent meanwhile is lost; let every listener look.
                if (missed) {
                    log.info("cluster notices: listening again");
                    events.mayHaveMissed();
                    missed = false;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] arrived = pg.getNotifications(POLL_MILLIS);
                    if (arrived != null) for (PGNotification n : arrived) arrived(n.getParameter());
                }
            } catch (SQLException e) {
                if (closed) return;
                if (!missed) log.warn("cluster notices: listening failed, retrying every {} s: {}", RETRY.toSeconds(), e.getMessage());
                missed = true;
                pause();
            }
        }
    }

    private void arrived(String payload) {
        String[] parts = payload.split(":");
        if (parts.length != 3) {
            log.warn("cluster notices: unreadable notice '{}'", payload);
            return;
        }
        if (parts[0].equals(node)) return;
        try {
            events.arrived(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            log.warn("cluster notices: unreadable notice '{}'", payload);
        }
    }

    private void send() {
        List<long[]> batch = new ArrayList<>();
        while (!closed) {
            try (Connection c = connector.open(); PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                c.setAutoCommit(false);
                while (!closed) {
                    if (batch.isEmpty()) {
                        long[] first = outgoing.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                        if (first == null) continue;
                        batch.add(first);
                        outgoing.drainTo(batch);
                    }
                    // One transaction: the notices go out together at its commit, duplicates folded into one.
                    for (long[] n : batch) {
                        notify.setString(1, CHANNEL);
                        notify.setString(2, node + ":" + n[0] + ":" + n[1]);
                        notify.executeQuery().close();
                    }
                    c.commit();
                    batch.clear();
                }
            } catch (SQLException e) {
                if (closed) return;
                log.warn("cluster notices: sending failed, retrying in {} s: {}", RETRY.toSeconds(), e.getMessage());
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        events.broadcastTo((account, mailbox) -> { });
        try {
            listener.join(POLL_MILLIS * 4L);
            sender.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
