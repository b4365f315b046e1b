package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.estafeta.store.StoreException;

/**
 * The one thread that writes to the database, and where group commit lives.
 *
 * <p>SQLite's JNI calls pin a virtual thread to its carrier, and SQLite allows one writer anyway, so
 * every write is queued here and run on a platform thread. The thread takes everything that is
 * waiting, runs each write in its own savepoint (one failing write does not spoil the others), and
 * commits once: N concurrent deliveries cost one WAL fsync instead of N.
 *
 * <p>A batch takes the write lock before anything else ({@code BEGIN IMMEDIATE}), which is why the
 * transaction statements are ours and not the driver's (its autocommit-off mode begins a deferred
 * transaction). In a deferred transaction a write that begins by reading, as a delivery does (find
 * the mailbox, then insert), must upgrade its read to a write, and SQLite does not wait for the lock
 * then: a reader that happens to be checking the WAL index holds it for an instant, and the write
 * failed at once with {@code SQLITE_BUSY} (a 451 under load). Taken first, the lock is waited for
 * under {@code busy_timeout} like any other, and no batch holds it while idle.
 */
final class SqlWriter implements AutoCloseable {

    /** Enough to amortise the fsync, small enough to keep the commit latency of the first short. */
    private static final int MAX_BATCH = 512;

    private record Task<T>(SqlWork<T> work, CompletableFuture<T> result) {
        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private final Connection connection;
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    SqlWriter(Connection connection) {
        this.connection = connection;
        thread = Thread.ofPlatform().name("sql-writer").daemon().start(this::loop);
    }

    /** Runs {@code work} in a committed transaction and returns its result. */
    <T> T write(SqlWork<T> work) {
        if (closed) throw new StoreException("store is closed");
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(new Task<>(work, result));
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while writing", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) throw se;
            throw new StoreException("database write failed", cause);
        }
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            runBatch(batch);
            batch.clear();
        }
    }

    private void runBatch(List<Task<?>> batch) {
        List<Runnable> completions = new ArrayList<>(batch.size());
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                for (Task<?> task : batch) completions.add(runInSavepoint(s, task));
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollback(s);
                throw e;
            }
            completions.forEach(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            batch.forEach(t -> t.fail(new StoreException("database commit failed", e)));
        }
    }

    private static void rollback(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the failure that brought us here is what we report; SQLite may have rolled back already
        }
    }

    /** Runs one task; returns what completes it once the batch has committed. */
    private <T> Runnable runInSavepoint(Statement s, Task<T> task) throws SQLException {
        s.execute("SAVEPOINT task");
        try {
            T value = task.work().run(connection);
            s.execute("RELEASE task");
            return () -> task.result().complete(value);
        } catch (SQLException | RuntimeException e) {
            s.execute("ROLLBACK TO task");
            s.execute("RELEASE task");
            Throwable error = e instanceof StoreException ? e : new StoreException("database write failed", e);
            return () -> task.fail(error);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5000);
            connection.close();
        } catch (InterruptedException | SQLException e) {
            Thread.currentThread().interrupt();
        }
    }
}
