package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import org.estafeta.config.Version;
import org.estafeta.store.StoreException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store's schema up to this build's, so that an upgrade is a restart and nothing else.
 * Each migration runs in its own transaction (SQLite has transactional DDL), so a crash or a
 * failing step leaves the store at the last whole version, and the next start goes on from there.
 * A store that a newer build has already migrated is refused: this build would not know what the
 * newer columns and tables mean, and writing to it would damage it silently.
 */
final class SchemaMigration {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

    /** The {@code settings} row naming the build that last opened the store. */
    static final String WRITTEN_BY = "written_by";

    private SchemaMigration() {
    }

    /** The database to migrate, and who logs in (SQLite: nobody). */
    record Target(Dialect dialect, String url, String user, String password) {
        Connection connect() throws SQLException {
            // Other processes (the CLI while the server runs) may hold SQLite's write lock for a moment.
            return DriverManager.getConnection(dialect == Dialect.SQLITE ? url + "?busy_timeout=10000" : url, user, password);
        }
    }

    static void migrate(Target target, String where) {
        Flyway flyway = Flyway.configure().dataSource(target.url(), target.user(), target.password()).locations(target.dialect().migrations)
                // Steps that are not SQL (from schema 9 on) are listed here, between the SQL files by version.
                .javaMigrations(new IdnULabelsMigration()).load();
        MigrationInfoService info = flyway.info();
        refuseNewer(target, where, info);
        MigrationInfo[] pending = info.pending();
        MigrationVersion from = info.current() == null ? MigrationVersion.EMPTY : info.current().getVersion();
        if (pending.length > 0 && info.current() != null) {
            log.info("store: upgrading the schema of {} from version {} to {} ({} steps, each kept whole if interrupted)",
                    where, from, pending[pending.length - 1].getVersion(), pending.length);
        }
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            MigrationInfo now = flyway.info().current();
            throw new StoreException("the schema upgrade of " + where + " failed (" + e.getMessage().lines().findFirst().orElse("")
                    + "); the store is left whole at schema version " + (now == null ? "none" : now.getVersion())
                    + " and the next start tries again", e);
        }
        if (pending.length > 0 && info.current() != null) log.info("store: schema of {} is now at version {}", where, flyway.info().current().getVersion());
        recordWriter(target);
    }

    private static void refuseNewer(Target target, String where, MigrationInfoService info) {
        MigrationInfo[] future = Arrays.stream(info.applied())
                .filter(m -> m.getState().name().startsWith("FUTURE"))
                .toArray(MigrationInfo[]::new);
        if (future.length == 0) return;
        MigrationVersion known = Arrays.stream(info.all())
                .filter(m -> !m.getState().name().startsWith("FUTURE"))
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo)
                .orElse(MigrationVersion.EMPTY);
        String writer = writtenBy(target).map(v -> "Estafeta " + v).orElse("a newer Estafeta");
        throw new StoreException(where + " was written by " + writer + " (schema version " + future[future.length - 1].getVersion()
                + "); this is Estafeta " + Version.current() + ", which knows schema versions up to " + known
                + ": run the newer version, or restore a backup taken before the upgrade (a downgrade would damage the data)");
    }

    private static Optional<String> writtenBy(Target target) {
        try (Connection c = target.connect();
             PreparedStatement ps = c.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
            ps.setString(1, WRITTEN_BY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static void recordWriter(Target target) {
        try (Connection c = target.connect();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, WRITTEN_BY);
            ps.setString(2, Version.current());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record the store's version", e);
        }
    }
}
