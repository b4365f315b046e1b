package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.app.MailServer;
import org.estafeta.app.Storage;
import org.estafeta.config.ConfigLoader;
import org.estafeta.delivery.Channel;
import org.estafeta.store.Account;
import org.estafeta.store.FileBlobs;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;
import org.estafeta.store.StoreException;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.store.sql.SqliteToPostgresql;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.ServerProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code estafeta migrate --to}: a SQLite data dir with accounts, an alias, folders, flags, small and
 * large messages and queued mail is copied into a throwaway PostgreSQL, and a node with an empty data
 * dir of its own then reads every message byte for byte, with the UIDs and flags the clients know.
 */
class MigrateCommandTest {

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();

    @TempDir
    Path data;
    @TempDir
    Path elsewhere;

    @BeforeEach
    void sqliteInstall() throws Exception {
        assertThat(CliRun.run(data, "", "domain", "add", "example.com").code()).isZero();
        assertThat(CliRun.run(data, "contraseña1\n", "user", "add", "ana@example.com", "--password-stdin").code()).isZero();
        assertThat(CliRun.run(data, "contraseña1\n", "user", "add", "beto@example.com", "--password-stdin").code()).isZero();
        assertThat(CliRun.run(data, "", "alias", "add", "info@example.com", "ana@example.com", "beto@example.com").code()).isZero();
        try (Storage storage = sqlite()) {
            var inbound = MailServer.inbound(ConfigLoader.load(data, null, Map.of(), 0), storage);
            Account ana = storage.accounts().account("ana@example.com").orElseThrow();
            for (int i = 0; i < 30; i++) {
                // Every fifth is 200 KB, above the inline size: a file under blobs/; the rest ride in the database.
                String body = i % 5 == 0 ? ("línea " + i + "\r\n").repeat(20_000) : "mensaje " + i + "\r\n";
                byte[] message = ("From: ana@example.com\r\nTo: beto@example.com\r\nSubject: n" + i + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8);
                List<String> to = i % 10 == 3 ? List.of("beto@example.com", "someone@remote.test") : List.of("beto@example.com");
                inbound.send(ana, "ana@example.com", to, message, Channel.webmail(InetAddress.getLoopbackAddress(), true, ana));
            }
            long beto = storage.accounts().account("beto@example.com").orElseThrow().id();
            Mailbox inbox = storage.mailboxes().mailbox(beto, "INBOX").orElseThrow();
            Mailbox archive = storage.mailboxes().create(beto, "Archivo", null);
            storage.messages().setFlags(inbox.id(), List.of(2L, 4L, 6L), Messages.Mode.ADD, Flag.SEEN.bit(), List.of("proyecto"), 0);
            storage.messages().copy(inbox.id(), List.of(1L, 5L), archive.id(), true);
        }
    }

    @Test
    void aNodeWithItsOwnEmptyDataDirReadsEveryMessageOfTheCopy() throws Exception {
        String database = pg.createDatabase();

        CliRun run = CliRun.run(data, "", "migrate", "--to", pg.urlWithCredentials(database));

        assertThat(run.err()).isEmpty();
        assertThat(run.code()).isZero();
        assertThat(run.out()).containsPattern("copied [0-9,]+ rows in \\d+ tables and 6 message bodies \\([0-9,]+ octets\\) into "
                + "postgresql://127.0.0.1:\\d+/" + database + " in \\d+ s; counts and hashes checked\n");
        assertThat(run.out()).doesNotContain(PostgreSql.PASSWORD);
        Map<String, String> before, after;
        try (Storage storage = sqlite()) {
            before = contents(storage);
            assertThat(storage.queue().list()).hasSize(3);
        }
        try (Storage storage = postgresql(database)) {
            after = contents(storage);
            assertThat(storage.queue().list()).extracting(e -> e.queueId() + " " + e.recipient().address())
                    .containsExactlyInAnyOrderElementsOf(sqlite().queue().list().stream().map(e -> e.queueId() + " " + e.recipient().address()).toList());
            assertThat(storage.accounts().aliasTargets("info@example.com")).containsExactly("ana@example.com", "beto@example.com");
        }
        assertThat(after).isEqualTo(before).hasSize(30);

        // The copy goes on as a store: new ids come after the copied ones, new UIDs after the known ones.
        assertThat(CliRun.run(elsewhere, "contraseña1\n", "user", "add", "carla@example.com", "--password-stdin",
                "--set", "store.url=" + pg.urlWithCredentials(database)).code()).isZero();
        try (Storage storage = postgresql(database)) {
            long beto = storage.accounts().account("beto@example.com").orElseThrow().id();
            Mailbox archive = storage.mailboxes().mailbox(beto, "Archivo").orElseThrow();
            storage.messages().copy(storage.mailboxes().mailbox(beto, "INBOX").orElseThrow().id(), List.of(7L), archive.id(), false);
            assertThat(storage.messages().list(archive.id())).extracting(MessageInfo::uid).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void anInterruptedCopyIsFinishedByRunningItAgainAndNoNodeServesItMeanwhile() throws Exception {
        String database = pg.createDatabase();
        try (SqlDatabase source = SqlDatabase.openSqlite(data);
             SqlDatabase target = SqlDatabase.openPostgresql(postgresqlConfig(database).store())) {
            var stopsAtTheThirdBody = new SqliteToPostgresql.Progress() {
                @Override
                public void advanced(String stage, long done, long total) {
                    if (stage.equals("message bodies") && done == 3) throw new IllegalStateException("power cut");
                }

                @Override
                public void problem(String what) {
                }
            };
            var copy = new SqliteToPostgresql(source, new FileBlobs(data.resolve("blobs")), target, data.toAbsolutePath().toString(),
                    stopsAtTheThirdBody);
            assertThatThrownBy(copy::run).hasMessage("power cut");
        }
        assertThatThrownBy(() -> postgresql(database)).isInstanceOf(StoreException.class)
                .hasMessageContaining("holds an unfinished `estafeta migrate`: run it again");

        CliRun again = CliRun.run(data, "", "migrate", "--to", pg.urlWithCredentials(database));

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("and 3 message bodies", "counts and hashes checked");
        try (Storage copy = postgresql(database); Storage original = sqlite()) {
            assertThat(contents(copy)).isEqualTo(contents(original));
        }
        CliRun third = CliRun.run(data, "", "migrate", "--to", pg.urlWithCredentials(database));
        assertThat(third.code()).isEqualTo(1);
        assertThat(third.err()).startsWith("estafeta: the target database was already migrated into from " + data.toAbsolutePath() + " on ");
    }

    @Test
    void aBodyFileGoneFromTheSourceIsReportedAndTheRestIsCopied() throws Exception {
        String lost;
        try (Storage storage = sqlite()) {
            long beto = storage.accounts().account("beto@example.com").orElseThrow().id();
            lost = storage.messages().list(storage.mailboxes().mailbox(beto, "INBOX").orElseThrow().id()).stream()
                    .filter(m -> m.size() > 100_000).findFirst().orElseThrow().blob();
        }
        Files.delete(data.resolve("blobs").resolve(FileBlobs.relative(lost)));

        CliRun run = CliRun.run(data, "", "migrate", "--to", pg.urlWithCredentials(pg.createDatabase()));

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).startsWith("estafeta migrate: message body " + lost + " cannot be read in the source: ");
        assertThat(run.out()).contains("and 5 message bodies", "1 problems (above)");
    }

    @Test
    void mistakesAreOneLineAndChangeNothing() throws Exception {
        String used = pg.createDatabase();
        assertThat(CliRun.run(elsewhere, "", "domain", "add", "other.test", "--set", "store.url=" + pg.urlWithCredentials(used)).code()).isZero();
        CliRun notEmpty = CliRun.run(data, "", "migrate", "--to", pg.urlWithCredentials(used));
        assertThat(notEmpty.code()).isEqualTo(1);
        assertThat(notEmpty.err()).startsWith("estafeta: the target database already holds ")
                .endsWith(" domains and accounts; migrate copies into an empty database (or finishes its own unfinished copy)\n");

        ServerProcess server = ServerProcess.start(data, Map.of());
        try {
            CliRun running = CliRun.run(data, "", "migrate", "--to", pg.urlWithCredentials(pg.createDatabase()));
            assertThat(running.code()).isEqualTo(1);
            assertThat(running.err()).contains("is in use by another Estafeta server (PID " + server.pid() + "); stop it first");
        } finally {
            server.kill9();
        }

        CliRun fromPostgresql = CliRun.run(elsewhere, "", "migrate", "--to", pg.urlWithCredentials(pg.createDatabase()),
                "--set", "store.url=" + pg.urlWithCredentials(used));
        assertThat(fromPostgresql.err()).isEqualTo("estafeta: this configuration's store is already PostgreSQL (store.url); "
                + "migrate copies a SQLite data dir\n");

        CliRun nothingThere = CliRun.run(elsewhere.resolve("new"), "", "migrate", "--to", pg.urlWithCredentials(pg.createDatabase()));
        assertThat(nothingThere.err()).startsWith("estafeta: there is no store to migrate in ");
    }

    /** Every message of every mailbox: "address/mailbox uid flags keywords size date" to its content's text. */
    private static Map<String, String> contents(Storage storage) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        for (String address : List.of("ana@example.com", "beto@example.com")) {
            long account = storage.accounts().account(address).orElseThrow().id();
            for (Mailbox mailbox : storage.mailboxes().mailboxes(account)) {
                for (MessageInfo m : storage.messages().list(mailbox.id())) {
                    try (InputStream in = storage.blobs().open(m.blob())) {
                        all.put(address + "/" + mailbox.name() + "@" + mailbox.uidValidity() + " " + m.uid() + " " + m.flags() + " "
                                + m.keywords() + " " + m.size() + " " + m.internalDate(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return all;
    }

    private Storage sqlite() {
        return Storage.open(ConfigLoader.load(data, null, Map.of(), 0));
    }

    private org.estafeta.config.Config postgresqlConfig(String database) {
        return ConfigLoader.load(elsewhere, null, Map.of("store.url", pg.urlWithCredentials(database)), 0);
    }

    private Storage postgresql(String database) {
        return Storage.open(postgresqlConfig(database));
    }
}
