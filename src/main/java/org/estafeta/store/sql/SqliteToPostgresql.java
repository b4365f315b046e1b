package org.estafeta.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.estafeta.store.Blob;
import org.estafeta.store.BlobUnreadable;
import org.estafeta.store.Blobs;
import org.estafeta.store.StoreException;

/**
 * {@code estafeta migrate --to}: copies a SQLite store, rows and message bodies, into a PostgreSQL
 * database of the same schema version, so that a single node can become a cluster.
 *
 * <p>The rows keep their ids (the tables' identity counters are moved past them afterwards), so UIDs,
 * UIDVALIDITY and MODSEQs are what the IMAP clients already know. Tables go parents first (foreign
 * keys from the catalog), each in batches that are their own transactions, every row inserted with
 * {@code ON CONFLICT DO NOTHING}: an interrupted run is simply run again and goes on where it
 * stopped. Large bodies are streamed into {@link ChunkedBlobs} (every node must read them) and keep
 * their SHA-256 names. The full-text index is not copied: the target's own trigger queues every
 * message for its indexer, which is cheaper than translating SQLite's FTS rows.
 *
 * <p>The target must be empty, or hold an unfinished run from the same source: a mark in
 * {@code settings} says which, and {@link #unfinished} lets a node refuse to serve a half-copied store.
 * At the end the row counts of every table and the SHA-256 of every body in the target are checked.
 */
public final class SqliteToPostgresql {

    /** Rows the target makes for itself (Flyway, the text index) or keeps another way (chunks, under new ids). */
    private static final Set<String> NOT_COPIED = Set.of("flyway_schema_history", "message_text", "message_text_blobs",
            "message_text_pending", "blob_uploads", "blob_chunks", "chunked_blobs");
    private static final String MARK = "migrated_from";
    private static final String IN_PROGRESS = "unfinished: ";
    private static final int BATCH = 200;

    /** What the command line shows while it works. */
    public interface Progress {
        /** {@code done} of {@code total} of one stage: a table's rows, the bodies, the check. */
        void advanced(String stage, long done, long total);

        /** Something the source itself lacks (a body file gone or damaged); the rest goes on. */
        void problem(String what);
    }

    /** Rows copied per table, the large bodies copied, and what could not be. */
    public record Report(Map<String, Long> rows, long bodies, long bodyOctets, List<String> problems) {
    }

    private final SqlDatabase source;
    private final Blobs sourceLarge;
    private final SqlDatabase target;
    private final String sourceName;
    private final Progress progress;
    private final List<String> problems = new ArrayList<>();
    /** Bodies the source cannot give (already a problem): the check does not count them twice. */
    private final Set<String> unreadableInSource = new HashSet<>();

    /**
     * @param sourceLarge where the source keeps bodies above its inline size (files, or its own chunks)
     * @param sourceName  the source as the mark in the target names it (its data dir)
     */
    public SqliteToPostgresql(SqlDatabase source, Blobs sourceLarge, SqlDatabase target, String sourceName, Progress progress) {
        if (source.dialect() != Dialect.SQLITE || target.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("migrate copies a SQLite store into PostgreSQL");
        }
        this.source = source;
        this.sourceLarge = sourceLarge;
        this.target = target;
        this.sourceName = sourceName;
        this.progress = progress;
    }

    /** Whether a migration into this database was started and has not finished: no node may serve it yet. */
    public static boolean unfinished(SqlDatabase db) {
        String mark = db.read(c -> setting(c, MARK));
        return mark != null && mark.startsWith(IN_PROGRESS);
    }

    public Report run() {
        claimTarget();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : tablesParentsFirst()) rows.put(table, copyTable(table));
        moveIdentitiesPastCopiedIds(rows.keySet());
        long[] copied = copyLargeBodies();
        check(rows);
        target.write(c -> putSetting(c, MARK, sourceName + " on " + Instant.now()));
        return new Report(rows, copied[0], copied[1], List.copyOf(problems));
    }

    private void claimTarget() {
        String mark = target.read(c -> setting(c, MARK));
        if (mark == null) {
            long held = target.read(c -> count(c, "domains") + count(c, "accounts"));
            if (held > 0) {
                throw new IllegalArgumentException("the target database already holds " + held
                        + " domains and accounts; migrate copies into an empty database (or finishes its own unfinished copy)");
            }
            target.write(c -> putSetting(c, MARK, IN_PROGRESS + sourceName));
        } else if (!mark.equals(IN_PROGRESS + sourceName)) {
            throw new IllegalArgumentException(mark.startsWith(IN_PROGRESS)
                    ? "the target database holds an unfinished migration from " + mark.substring(IN_PROGRESS.length()) + ", not from " + sourceName
                    : "the target database was already migrated into from " + mark);
        }
    }

    /** The target's tables (less {@link #NOT_COPIED}), every table after the ones its foreign keys point to. */
    private List<String> tablesParentsFirst() {
        return target.read(c -> {
            DatabaseMetaData md = c.getMetaData();
            Map<String, Set<String>> parents = new LinkedHashMap<>();
            try (ResultSet rs = md.getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String table = rs.getString("TABLE_NAME");
                    if (!NOT_COPIED.contains(table)) parents.put(table, new HashSet<>());
                }
            }
            for (var e : parents.entrySet()) {
                try (ResultSet rs = md.getImportedKeys(null, c.getSchema(), e.getKey())) {
                    while (rs.next()) {
                        String parent = rs.getString("PKTABLE_NAME");
                        if (!parent.equals(e.getKey())) e.getValue().add(parent);
                    }
                }
            }
            List<String> ordered = new ArrayList<>();
            while (ordered.size() < parents.size()) {
                int before = ordered.size();
                for (var e : parents.entrySet()) {
                    if (!ordered.contains(e.getKey()) && ordered.containsAll(e.getValue())) ordered.add(e.getKey());
                }
                if (ordered.size() == before) throw new StoreException("the target's foreign keys form a cycle among " + parents.keySet());
            }
            return ordered;
        });
    }

    private record Column(String name, int type) {
    }

    private long copyTable(String table) {
        List<Column> columns = sharedColumns(table);
        long total = source.read(c -> count(c, table));
        String names = String.join(", ", columns.stream().map(col -> quote(col.name())).toList());
        String insert = "INSERT INTO " + quote(table) + "(" + names + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?) ON CONFLICT DO NOTHING";
        progress.advanced(table, 0, total);
        return source.read(c -> {
            long done = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + names + " FROM " + quote(table)); ResultSet rs = ps.executeQuery()) {
                List<Object[]> batch = new ArrayList<>(BATCH);
                while (rs.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) row[i] = value(rs, i + 1, columns.get(i).type());
                    batch.add(row);
                    if (batch.size() == BATCH) {
                        done += insert(insert, columns, batch);
                        progress.advanced(table, done, total);
                    }
                }
                done += insert(insert, columns, batch);
            }
            progress.advanced(table, done, total);
            return done;
        });
    }

    /** The target's columns that the source has too, with the target's types (SQLite's are only affinities). */
    private List<Column> sharedColumns(String table) {
        Set<String> inSource = source.read(c -> {
            Set<String> names = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + quote(table) + " LIMIT 0"); ResultSet rs = ps.executeQuery()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) names.add(rs.getMetaData().getColumnName(i));
            }
            return names;
        });
        List<Column> columns = target.read(c -> {
            List<Column> found = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getColumns(null, c.getSchema(), table, "%")) {
                while (rs.next()) {
                    String name = rs.getString("COLUMN_NAME");
                    if (inSource.contains(name)) found.add(new Column(name, rs.getInt("DATA_TYPE")));
                }
            }
            return found;
        });
        if (columns.isEmpty()) throw new StoreException("the source has no table " + table + ": is it an older Estafeta's store?");
        return columns;
    }

    private static Object value(ResultSet rs, int column, int type) throws SQLException {
        Object value = switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> rs.getLong(column);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> rs.getBytes(column);
            case Types.BOOLEAN, Types.BIT -> rs.getBoolean(column);
            default -> rs.getString(column);
        };
        return rs.wasNull() ? null : value;
    }

    private long insert(String sql, List<Column> columns, List<Object[]> batch) {
        if (batch.isEmpty()) return 0;
        target.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Object[] row : batch) {
                    for (int i = 0; i < row.length; i++) {
                        int type = columns.get(i).type();
                        if (row[i] == null) ps.setNull(i + 1, type);
                        else if (row[i] instanceof String s && type != Types.VARCHAR && type != Types.CHAR && type != Types.LONGVARCHAR) {
                            ps.setObject(i + 1, s, type);
                        } else ps.setObject(i + 1, row[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
        long n = batch.size();
        batch.clear();
        return n;
    }

    /** Rows came with their ids; the next id each table hands out must come after them. */
    private void moveIdentitiesPastCopiedIds(Set<String> copied) {
        List<String[]> identities = target.read(c -> {
            List<String[]> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name FROM information_schema.columns "
                    + "WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) found.add(new String[] {rs.getString(1), rs.getString(2)});
            }
            return found;
        });
        for (String[] identity : identities) {
            if (!copied.contains(identity[0])) continue;
            target.write(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max("
                        + quote(identity[1]) + ") FROM " + quote(identity[0]) + "), 0) + 1, false)")) {
                    ps.setString(1, quote(identity[0]));
                    ps.setString(2, identity[1]);
                    ps.executeQuery().close();
                }
                return null;
            });
        }
    }

    /** The bodies the source keeps outside its database, by the names the copied rows use; returns {count, octets}. */
    private long[] copyLargeBodies() {
        List<String> hashes = source.read(c -> strings(c, "SELECT blob FROM messages UNION SELECT blob FROM queue_messages "
                + "EXCEPT SELECT hash FROM blob_contents ORDER BY 1"));
        Set<String> there = new HashSet<>(target.read(c -> strings(c, "SELECT hash FROM chunked_blobs")));
        ChunkedBlobs into = new ChunkedBlobs(target);
        long count = 0, octets = 0;
        progress.advanced("message bodies", 0, hashes.size());
        for (int i = 0; i < hashes.size(); i++) {
            String hash = hashes.get(i);
            if (!there.contains(hash)) {
                try (InputStream in = sourceLarge.open(hash); Blobs.BlobWriter out = into.create()) {
                    in.transferTo(out);
                    Blob blob = out.finish();
                    if (!blob.hash().equals(hash)) {
                        unreadableInSource.add(hash);
                        problem("message body " + hash + " is damaged in the source (its content's SHA-256 is " + blob.hash() + "); copied as it is");
                    }
                    count++;
                    octets += blob.size();
                } catch (BlobUnreadable e) {
                    unreadableInSource.add(hash);
                    problem("message body " + hash + " cannot be read in the source: " + (e.getCause() instanceof java.nio.file.NoSuchFileException gone
                            ? "no file " + gone.getFile() : e.getCause().getMessage()));
                } catch (IOException e) {
                    throw new StoreException("copying message body " + hash + " failed: " + e.getMessage(), e);
                }
            }
            progress.advanced("message bodies", i + 1, hashes.size());
        }
        return new long[] {count, octets};
    }

    /** Every table holds as many rows as the source's; every body the rows name reads back with its own SHA-256. */
    private void check(Map<String, Long> rows) {
        for (String table : rows.keySet()) {
            long want = source.read(c -> count(c, table));
            long have = target.read(c -> count(c, table)) - (table.equals("settings") ? 1 : 0); // the mark is the target's own
            if (want != have) problem("table " + table + ": " + want + " rows in the source, " + have + " in the target");
        }
        List<String> hashes = target.read(c -> strings(c, "SELECT blob FROM messages UNION SELECT blob FROM queue_messages ORDER BY 1"));
        SqlBlobs bodies = new SqlBlobs(target, new ChunkedBlobs(target), 0);
        for (int i = 0; i < hashes.size(); i++) {
            String hash = hashes.get(i);
            if (!unreadableInSource.contains(hash)) {
                try (InputStream in = new DigestInputStream(bodies.open(hash), sha256())) {
                    in.transferTo(OutputStream.nullOutputStream());
                    String got = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
                    if (!got.equals(hash)) problem("message body " + hash + " reads back from the target with SHA-256 " + got);
                } catch (BlobUnreadable | IOException e) {
                    problem("message body " + hash + " cannot be read from the target: " + e.getMessage());
                }
            }
            progress.advanced("checking bodies", i + 1, hashes.size());
        }
    }

    private void problem(String what) {
        problems.add(what);
        progress.problem(what);
    }

    private static long count(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + quote(table)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) found.add(rs.getString(1));
        }
        return found;
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Void putSetting(Connection c, String name, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        }
        return null;
    }

    /** Names come from the catalog, not from users; quoting keeps a reserved word (a column called "user") working. */
    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
