package org.estafeta.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.estafeta.store.StoreException;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A schema upgrade that is interrupted, fails, or meets a newer store never damages the data. */
class MigrationSafetyTest {

    private static final Path OLDEST = UpgradeTest.FIXTURES.resolve("schema-1");
    private static final int MESSAGES = 100_000;

    @TempDir
    Path temp;

    @Test
    void aStoreWrittenByANewerBuildIsRefusedWithOneClearLine() throws Exception {
        Path data = Fixtures.copy(OLDEST, temp.resolve("data"));
        SqlDatabase.openSqlite(data).close();
        try (Connection c = StoreSnapshot.open(data); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
                    + " VALUES (999, '999', 'from the future', 'SQL', 'V999__from_the_future.sql', 0, 'test', 1, 1)");
            s.executeUpdate("UPDATE settings SET value = '9.9.0' WHERE name = 'written_by'");
        }
        Map<String, StoreSnapshot.Mailbox> before = StoreSnapshot.read(data);
        assertThatThrownBy(() -> SqlDatabase.openSqlite(data))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("was written by Estafeta 9.9.0 (schema version 999)")
                .hasMessageContaining("which knows schema versions up to")
                .hasMessageContaining("a downgrade would damage the data")
                .hasMessageNotContaining("\n");
        assertThat(StoreSnapshot.read(data)).as("nothing touched").isEqualTo(before);
    }

    @Test
    void aMigrationThatCannotRunSaysWhyAndLeavesTheStoreWhole() throws Exception {
        Path data = Fixtures.copy(OLDEST, temp.resolve("data"));
        Map<String, StoreSnapshot.Mailbox> before = StoreSnapshot.read(data);
        try (Connection c = StoreSnapshot.open(data); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE expunged (x INTEGER)");  // V3 creates this table: it will fail halfway through
        }
        assertThatThrownBy(() -> SqlDatabase.openSqlite(data))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("the schema upgrade of " + data.resolve("estafeta.db") + " failed")
                .hasMessageContaining("left whole at schema version 2");
        try (Connection c = StoreSnapshot.open(data)) {
            assertThat(columns(c, "messages")).as("V3's first step (a new column) was rolled back with the rest").doesNotContain("body");
        }
        assertThat(StoreSnapshot.read(data)).isEqualTo(before);

        try (Connection c = StoreSnapshot.open(data); Statement s = c.createStatement()) {
            s.execute("DROP TABLE expunged");
        }
        SqlDatabase.openSqlite(data).close();
        assertThat(StoreSnapshot.schemaVersion(data)).isGreaterThanOrEqualTo(5);
        assertThat(StoreSnapshot.read(data)).as("the retry keeps every message").isEqualTo(before);
    }

    /** kill -9 while the migrations of a large store run: the next start completes them, nothing lost. */
    @Test
    void killedDuringTheMigrationOfALargeStoreTheNextStartCompletesIt() throws Exception {
        Path data = Fixtures.copy(OLDEST, temp.resolve("data"));
        inflate(data);
        Map<String, StoreSnapshot.Mailbox> before = StoreSnapshot.read(data);
        assertThat(before.values().stream().mapToInt(b -> b.messages().size()).sum()).isGreaterThan(MESSAGES);

        // Kill it ever later into the upgrade, each time once it has said it is upgrading, until one
        // run gets to the end by itself; every run starts from what the killed one left.
        List<Integer> killedAt = new ArrayList<>();
        for (long delay = 0; ; delay = Math.min(Math.max(2 * delay, 50), 3200)) {
            Process server = serve(data);
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            boolean upgrading = false, finished = false;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("store: upgrading the schema")) upgrading = true;
                if (line.contains("store: schema of") || line.contains(" port ")) { finished = true; break; }
                if (upgrading) break;
            }
            if (upgrading) Thread.sleep(delay);
            server.destroyForcibly();  // SIGKILL: no shutdown hook, nothing flushed
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (finished || !upgrading) break;
            killedAt.add(StoreSnapshot.schemaVersion(data));
            assertThat(killedAt.size()).as("kills so far at versions " + killedAt).isLessThan(30);
        }
        assertThat(killedAt).as("at least one kill landed during the upgrade").isNotEmpty();

        try (TestServer restarted = TestServer.start(data, Map.of(), false)) {
            assertThat(StoreSnapshot.schemaVersion(data)).as("complete after kills at versions " + killedAt).isGreaterThanOrEqualTo(5);
        }
        assertThat(StoreSnapshot.read(data)).as("every message, UID and flag after the interrupted upgrade").isEqualTo(before);
    }

    /** Adds 100,000 messages to ana's INBOX, sharing one blob, as plain schema-1 rows. */
    private static void inflate(Path data) throws Exception {
        try (Connection c = StoreSnapshot.open(data); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            ResultSet inbox = s.executeQuery("SELECT m.id, m.uidnext FROM mailboxes m JOIN accounts a ON a.id = m.account_id"
                    + " WHERE a.address = 'ana@example.test' AND m.name = 'INBOX'");
            inbox.next();
            long mailbox = inbox.getLong(1), uidnext = inbox.getLong(2);
            inbox.close();
            s.executeUpdate("INSERT INTO messages (mailbox_id, uid, modseq, blob, size, internaldate, flags)"
                    + " WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " + (MESSAGES - 1) + ")"
                    + " SELECT " + mailbox + ", " + uidnext + " + i, 1, blob, size, internaldate, i % 3 FROM n,"
                    + " (SELECT blob, size, internaldate FROM messages WHERE mailbox_id = " + mailbox + " ORDER BY uid LIMIT 1)");
            s.executeUpdate("UPDATE mailboxes SET uidnext = " + (uidnext + MESSAGES) + " WHERE id = " + mailbox);
            c.commit();
        }
    }

    private static Process serve(Path data) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.estafeta.cli.Main", "--data", data.toString(), "serve"));
        for (String p : List.of("smtp", "submission", "smtps", "odmr", "pop3", "pop3s", "imap", "imaps")) cmd.addAll(List.of("--set", "ports." + p + "=0"));
        cmd.addAll(List.of("--set", "web.port=-1", "--set", "web.tls_port=-1"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static List<String> columns(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) out.add(rs.getString("name"));
        }
        return out;
    }
}
