package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single writer beside busy readers on SQLite. A reader that catches the WAL index header while
 * the writer rewrites it takes the write lock for a moment to check it; a write transaction that had
 * begun by reading (as a delivery does: find the mailbox, then insert) cannot wait for that lock
 * (SQLite skips the busy handler when a read must be upgraded) and failed at once with SQLITE_BUSY,
 * which a client saw as 451 under the SMTP benchmark. Taking the write lock first makes it wait.
 *
 * <p>A race, so the test gives it many chances (two writers, so most writes commit alone, for up to
 * 20 s); on a loaded two-core machine the old writer failed within seconds.
 */
class SqlWriterContentionTest {

    @TempDir
    Path data;

    @Test
    void writesThatBeginByReadingNeverFailBesideBusyReaders() throws Exception {
        try (SqlDatabase db = SqlDatabase.openSqlite(data)) {
            long before = db.read(SqlWriterContentionTest::count);
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                readers.add(Thread.ofPlatform().start(() -> {
                    while (!done.get()) db.read(c -> count(c));
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            AtomicInteger written = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(Thread.ofVirtual().start(() -> {
                    for (int n = 0; n < 6000 && failures.isEmpty() && System.nanoTime() < deadline; n++) {
                        String name = "w" + writer + "-" + n;
                        try {
                            db.write(c -> {
                                count(c);
                                try (PreparedStatement ps = c.prepareStatement("INSERT INTO settings(name, value) VALUES (?, 'x')")) {
                                    ps.setString(1, name);
                                    return ps.executeUpdate();
                                }
                            });
                            written.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e.getCause() != null ? e.getCause() : e);
                        }
                    }
                }));
            }
            for (Thread t : writers) t.join();
            done.set(true);
            for (Thread t : readers) t.join();

            assertThat(failures).extracting(Throwable::getMessage).isEmpty();
            assertThat(db.read(SqlWriterContentionTest::count)).isEqualTo(before + written.get());
        }
    }

    private static long count(java.sql.Connection c) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM settings"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
