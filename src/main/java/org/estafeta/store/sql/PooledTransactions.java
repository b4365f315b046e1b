package org.estafeta.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.estafeta.store.StoreException;

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
                throw new StoreException("database write failed", e);
            }
        }
    }

    <T> T read(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("database read failed", e);
        }
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
