package org.estafeta.store.sql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.estafeta.store.StoreException;
import org.sqlite.SQLiteConnection;

/**
 * The SQLite side of {@code estafeta backup} and {@code restore}: a consistent copy of a live
 * database by SQLite's online backup API, the blobs a database refers to, and its integrity check.
 */
public final class SqliteBackup {

    /** How long the copy waits, in all, for a writer that holds a lock it needs. */
    private static final int BUSY_SLEEP_MS = 100, BUSY_TRIES = 600;

    private SqliteBackup() {
    }

    /**
     * Copies {@code source} (in use by a running server, in another process) to {@code target}. All
     * pages in one backup step: the step is one read transaction, so the copy is the database as some
     * commit left it; WAL lets the server's writers go on meanwhile. (Copying in small steps would
     * restart at every commit of the server, and under load might never end.)
     */
    public static void copy(Path source, Path target) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.toAbsolutePath())) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
            }
            int rc = ((SQLiteConnection) c).getDatabase().backup("main", target.toAbsolutePath().toString(), null, BUSY_SLEEP_MS, BUSY_TRIES, -1);
            if (rc != 0) throw new StoreException("the SQLite backup of " + source + " failed with code " + rc);
        } catch (SQLException e) {
            throw new StoreException("cannot back up " + source + ": " + e.getMessage(), e);
        }
    }

    /** SQLite's own check of a database file; empty when it is sound, or the problems it found. */
    public static List<String> integrityProblems(Path db) {
        List<String> problems = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) if (!rs.getString(1).equals("ok")) problems.add(rs.getString(1));
        } catch (SQLException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /**
     * The blob files a database refers to: those of stored and queued messages, less those kept inside
     * the database itself, small or chunked (a backup made before there were any lacks those tables).
     */
    public static Set<String> referencedBlobs(Path db) {
        Set<String> hashes = new LinkedHashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement s = c.createStatement()) {
            String files = "SELECT blob FROM messages UNION SELECT blob FROM queue_messages";
            if (hasTable(s, "blob_contents")) files += " EXCEPT SELECT hash FROM blob_contents";
            if (hasTable(s, "chunked_blobs")) files += " EXCEPT SELECT hash FROM chunked_blobs";
            try (ResultSet rs = s.executeQuery(files)) {
                while (rs.next()) hashes.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the blobs of " + db + ": " + e.getMessage(), e);
        }
        return hashes;
    }

    private static boolean hasTable(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
            return rs.next();
        }
    }
}
