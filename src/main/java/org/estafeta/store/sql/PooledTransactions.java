package org.estafeta.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;
import org.estafeta.store.StoreException;
import org.estafeta.store.StoreUnavailable;

/**
 * PostgreSQL's side of {@link SqlDatabase}: every write is its own transaction on a pooled connection
 * (PostgreSQL commits many at once by itself and lets writers run side by side, so there is no single
 * writer to queue for), every read a statement or two in autocommit.
 *
 * <p>A write that PostgreSQL rolled back because it lost a race (a deadlock, 40P01, or a serialization
 * failure, 40001) is run again from the start: PostgreSQL guarantees nothing of it was kept. A broken
 * connection is not retried: whether its commit happened is unknown, and running the work again could
 * store a message twice; the session answers 451 / NO [UNAVAILABLE] and the client retries instead.
 */
final class PooledTransactions implements AutoCloseable {

    /** Enough for a few unlucky rounds between two nodes; each retry waits a little longer. */
    private static final int ATTEMPTS = 5;

    private final HikariDataSource pool;

    PooledTransactions(HikariDataSource pool) {
        this.pool = pool;
    }

    <T> T write(SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T value = work.run(c);
                    c.commit();
                    return value;
                } catch (SQLException | RuntimeException e) {
                    rollback(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && lostARace(e)) {
                    pause(attempt);
                    continue;
                }
                throw failure("database write failed", e);
            }
        }
    }

    <T> T read(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure("database read failed", e);
        }
    }

    /**
     * What a failure means to the session: the database out of reach (no connection within the
     * timeout, SQLSTATE class 08 "connection exception", 57P01..57P03 the server shutting down or
     * starting) is {@link StoreUnavailable}; anything else is a store error.
     */
    private static StoreException failure(String what, SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) return new StoreUnavailable(what + ": the database is unreachable", e);
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().matches("57P0[123]"))) {
                return new StoreUnavailable(what + ": the database is unreachable", e);
            }
        }
        return new StoreException(what, e);
    }

    private static boolean lostARace(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState()))) return true;
        }
        return false;
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the failure of the work is what is reported; the pool discards a broken connection
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a write", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
