package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
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

    SqlWriter(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
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
        try {
            for (Task<?> task : batch) completions.add(runInSavepoint(task));
            connection.commit();
            completions.forEach(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the commit failure is what we report
            }
            batch.forEach(t -> t.fail(new StoreException("database commit failed", e)));
        }
    }

    /** Runs one task; returns what completes it once the batch has committed. */
    private <T> Runnable runInSavepoint(Task<T> task) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            T value = task.work().run(connection);
            connection.releaseSavepoint(savepoint);
            return () -> task.result().complete(value);
        } catch (SQLException | RuntimeException e) {
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
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
