package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.estafeta.store.StoreUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POP3 maildrop locks (RFC 1939 §8) that hold across the nodes sharing one PostgreSQL database: a
 * session-level advisory lock per account, which PostgreSQL releases by itself when the connection
 * that took it ends, so the locks of a node that dies vanish with its connection.
 *
 * <p>One connection per node, not one per POP3 session, and outside the store's pool: a session-level
 * advisory lock belongs to the backend that took it, and one backend may hold any number of them. So a
 * POP3 session idling in TRANSACTION (up to its idle timeout, minutes) never takes one of
 * {@code store.pool_size} from SMTP and IMAP, and the node's PostgreSQL connections grow by one, not by
 * one per POP3 user. The price: PostgreSQL cannot tell two sessions of this node apart (the same
 * backend taking a lock it holds succeeds again), so {@link SqlMailboxes} first settles that between
 * its own sessions in memory, as on SQLite, and only then asks here.
 *
 * <p>If the connection breaks while the node lives (PostgreSQL restarted), every lock on it is gone:
 * a watcher that looks every {@link #CHECK} while any lock is held (or the next lock call, whichever
 * comes first) opens a new connection and takes again those of the sessions still open. One that
 * another node took in that moment is logged, since two sessions may then share that maildrop until
 * one ends.
 */
final class AdvisoryMaildropLocks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdvisoryMaildropLocks.class);

    /**
     * The first key of {@code pg_try_advisory_lock(int, int)}: "Pop3" in ASCII, a namespace of ours, so
     * that another user of two-key advisory locks in the same database picks other numbers. Single
     * bigint keys (Flyway's migration lock) are a separate key space (pg_locks.objsubid 1, not 2).
     */
    static final int NAMESPACE = 0x506F7033;
    /** How often the watcher looks whether the connection holding locks still lives (ClusterNotices retries as often). */
    private static final Duration CHECK = Duration.ofSeconds(1);

    private final ConnectionSource connect;
    /** One statement at a time on the connection (a JDBC connection is not for concurrent use). */
    private final ReentrantLock guard = new ReentrantLock();
    /** The accounts whose lock {@link #connection} holds; guarded. */
    private final Set<Long> held = new HashSet<>();
    /** Opened at the first lock; null after a failure until the next call opens another. Guarded. */
    private Connection connection;
    private final Thread watcher;
    private volatile boolean closed;

    /** Opens a new connection to the shared database, outside the pool. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    AdvisoryMaildropLocks(ConnectionSource connect) {
        this.connect = connect;
        this.watcher = Thread.ofVirtual().name("maildrop-locks").start(this::watch);
    }

    /** Takes the held locks back soon after PostgreSQL lost them, not only at this node's next POP3 login or logout. */
    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(CHECK);
            } catch (InterruptedException e) {
                return;
            }
            guard.lock();
            try {
                if (closed || held.isEmpty()) continue;
                if (connection != null && !connection.isValid((int) CHECK.toSeconds())) discard();
                connection();
            } catch (SQLException e) {
                discard();
            } finally {
                guard.unlock();
            }
        }
    }

    /** The account's lock for this node, or false while another node holds it. */
    boolean tryLock(long accountId) {
        guard.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    if (!call(connection(), "pg_try_advisory_lock", accountId)) return false;
                    held.add(accountId);
                    return true;
                } catch (SQLException e) {
                    // A connection that broke since its last use: once more on a new one.
                    discard();
                    if (attempt == 2) throw new StoreUnavailable("cannot lock the maildrop: the database is unreachable", e);
                }
            }
        } finally {
            guard.unlock();
        }
    }

    /** Releases the account's lock; a failure is logged, and the broken connection given up, which releases it too. */
    void unlock(long accountId) {
        guard.lock();
        try {
            if (!held.remove(accountId) || connection == null) return;
            call(connection, "pg_advisory_unlock", accountId);
        } catch (SQLException e) {
            log.warn("cannot release the POP3 maildrop lock of account {}; closing the connection that holds it", accountId, e);
            discard();
        } finally {
            guard.unlock();
        }
    }

    /** The connection, opened anew (and the locks still held taken again on it) after a failure. */
    private Connection connection() throws SQLException {
        if (connection != null) return connection;
        Connection c = connect.open();
        try {
            for (var it = held.iterator(); it.hasNext(); ) {
                long accountId = it.next();
                if (!call(c, "pg_try_advisory_lock", accountId)) {
                    log.warn("the POP3 maildrop of account {} was locked by another node while this node's lock connection was down;"
                            + " two sessions may share it until one ends", accountId);
                    it.remove();
                }
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        connection = c;
        return c;
    }

    private static boolean call(Connection c, String function, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, ?)")) {
            ps.setInt(1, NAMESPACE);
            // Account ids beyond 2^31 fold onto others: two such accounts then share one lock, which
            // costs a needless [IN-USE] at worst, never two sessions on one maildrop.
            ps.setInt(2, Long.hashCode(accountId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Closes the connection: PostgreSQL releases every lock it held. */
    private void discard() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already broken
        }
        connection = null;
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
        guard.lock();
        try {
            held.clear();
            discard();
        } finally {
            guard.unlock();
        }
    }
}
