package org.estafeta.store.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.estafeta.config.Config;
import org.estafeta.store.PrivateFiles;
import org.estafeta.store.StoreException;

/**
 * The database behind the store, in one of two {@link Dialect}s. The embedded SQLite (the default):
 * schema migrations, the single {@link SqlWriter}, and a small pool of read connections (WAL lets
 * readers run beside the writer). PostgreSQL, which several nodes share: the same statements on a
 * HikariCP pool, each write its own transaction ({@link PooledTransactions}).
 */
public final class SqlDatabase implements AutoCloseable {

    private static final int READERS = 4;

    private final Dialect dialect;
    private final String url;
    /** SQLite: the one writer and the readers; null on PostgreSQL. */
    private final SqlWriter writer;
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    /** PostgreSQL: the pool, and where it connects; null on SQLite. */
    private final PooledTransactions pool;
    private final PostgresUrl target;
    /** PostgreSQL: POP3 maildrop locks that other nodes see, on a connection of their own; null on SQLite. */
    private final AdvisoryMaildropLocks maildropLocks;

    private SqlDatabase(String url) throws SQLException {
        this.dialect = Dialect.SQLITE;
        this.url = url;
        this.pool = null;
        this.target = null;
        this.maildropLocks = null;
        this.writer = new SqlWriter(connect());
        for (int i = 0; i < READERS; i++) readers.add(connect());
    }

    private SqlDatabase(PooledTransactions pool, PostgresUrl target) {
        this.dialect = Dialect.POSTGRESQL;
        this.url = null;
        this.writer = null;
        this.pool = pool;
        this.target = target;
        this.maildropLocks = new AdvisoryMaildropLocks(this::dedicatedConnection);
    }

    /** Opens (creating and migrating if needed) {@code DATA/estafeta.db}. */
    public static SqlDatabase openSqlite(Path dataDir) {
        try {
            PrivateFiles.createDirectories(dataDir);
            Path db = dataDir.resolve("estafeta.db");
            // SQLite makes its -wal and -shm files with the database file's mode, so creating it 0600
            // (an empty file is a valid new database) keeps all three private.
            if (!Files.exists(db)) Files.createFile(db, PrivateFiles.file());
            String url = "jdbc:sqlite:" + db.toAbsolutePath();
            SchemaMigration.migrate(new SchemaMigration.Target(Dialect.SQLITE, url, null, null), db.toString());
            return new SqlDatabase(url);
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot open the database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens (migrating if needed) the PostgreSQL database {@code store} names. Several nodes may do
     * this at once: Flyway holds a lock in the database while it migrates.
     */
    public static SqlDatabase openPostgresql(Config.Store store) {
        PostgresUrl target = PostgresUrl.parse(store.url(), store.user(), store.password());
        try {
            SchemaMigration.migrate(new SchemaMigration.Target(Dialect.POSTGRESQL, target.jdbcUrl(), target.user(), target.password()),
                    target.toString());
            HikariConfig config = new HikariConfig();
            config.setPoolName("store");
            config.setJdbcUrl(target.jdbcUrl());
            config.setUsername(target.user());
            config.setPassword(target.password());
            config.setMaximumPoolSize(store.poolSize());
            // The whole pool from the start (HikariCP's advice too): a node that joins the load balancer
            // gets a burst of logins at once, and connections made one by one then (a fork and a SCRAM
            // exchange each) outlasted store.timeout on a loaded machine.
            config.setMinimumIdle(store.poolSize());
            config.setConnectionTimeout(store.timeout().toMillis());
            config.setValidationTimeout(Math.min(store.timeout().toMillis(), 5000));
            return new SqlDatabase(new PooledTransactions(new HikariDataSource(config)), target);
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot open the database " + target + ": " + e.getMessage(), e);
        }
    }

    Dialect dialect() {
        return dialect;
    }

    /** Whether other nodes may share this database (PostgreSQL): what one changes, the others must hear of. */
    public boolean shared() {
        return dialect == Dialect.POSTGRESQL;
    }

    /**
     * A connection of its own, outside the pool, for a caller that holds it for long (LISTEN): on a
     * shared database only.
     */
    public Connection dedicatedConnection() throws SQLException {
        if (target == null) throw new IllegalStateException("only a shared (PostgreSQL) database gives dedicated connections");
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    /** The maildrop locks the nodes sharing this database see (PostgreSQL), or null where one process is all (SQLite). */
    AdvisoryMaildropLocks maildropLocks() {
        return maildropLocks;
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            // FULL: the WAL is fsynced at every commit, which is what lets us answer 250 afterwards.
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA foreign_keys=ON");
            // Other processes (the CLI while the server runs) may hold the write lock for a moment.
            s.execute("PRAGMA busy_timeout=10000");
        }
        return StatementCache.wrap(c);
    }

    /**
     * Records that the store has been set up, returning true only the first time ever, so that
     * initial domains are added once and an admin's later removal of them sticks.
     */
    public boolean markInitialised() {
        return write(c -> {
            try (var ps = c.prepareStatement("INSERT INTO settings(name, value) VALUES ('initialised', ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, java.time.Instant.now().toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    <T> T write(SqlWork<T> work) {
        return pool != null ? pool.write(work) : writer.write(work);
    }

    <T> T read(SqlWork<T> work) {
        if (pool != null) return pool.read(work);
        Connection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while reading", e);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("database read failed", e);
        } finally {
            readers.add(c);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            maildropLocks.close();
            pool.close();
            return;
        }
        writer.close();
        Connection c;
        while ((c = readers.poll()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
