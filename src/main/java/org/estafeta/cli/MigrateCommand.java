package org.estafeta.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.estafeta.app.DataDirLock;
import org.estafeta.config.Config;
import org.estafeta.store.Blobs;
import org.estafeta.store.FileBlobs;
import org.estafeta.store.sql.ChunkedBlobs;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.store.sql.SqliteToPostgresql;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code estafeta migrate --to postgresql://...}: from one node on SQLite to a store that several
 * nodes share. It holds the data dir's lock, as a server does: a copy taken while a server ran would
 * miss what changed meanwhile.
 */
@Command(name = "migrate", description = {
        "Copy this data dir's SQLite store (domains, accounts, mailboxes, messages and their bodies, the queue, Sieve scripts)",
        "into an empty PostgreSQL database, for store.url. Stop the server first. An interrupted copy is finished by running",
        "the same command again. At the end every table's row count and every message body's SHA-256 are checked.",
        "Exit code 2: something the source itself lacks (a body file gone) could not be copied; each is printed."})
final class MigrateCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--to", required = true, paramLabel = "URL",
            description = "The PostgreSQL database: postgresql://[user[:password]@]host[:port]/database")
    String to;

    @Option(names = "--user", paramLabel = "NAME", description = "Its user, when the URL has none (default: store.user).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "A file whose first line is the password, when the URL has none (default: store.password).")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
        Config config = main.config();
        if (config.store().postgresql()) {
            throw new IllegalArgumentException("this configuration's store is already PostgreSQL (store.url); migrate copies a SQLite data dir");
        }
        Path data = config.server().dataDir();
        if (!Files.exists(data.resolve("estafeta.db"))) throw new IllegalArgumentException("there is no store to migrate in " + data.toAbsolutePath());
        String password = passwordFile == null ? config.store().password() : Files.readAllLines(passwordFile).stream().findFirst().orElse("");
        Config.Store into = new Config.Store(to, user == null ? config.store().user() : user, password, 2, config.store().timeout(),
                config.store().inlineBlobSize(), Config.BlobPlace.DATABASE);
        ProgressLine line = ProgressLine.onStandardError();
        long started = System.nanoTime();
        try (DataDirLock lock = DataDirLock.acquire(data);
             SqlDatabase source = SqlDatabase.openSqlite(data);
             SqlDatabase target = SqlDatabase.openPostgresql(into)) {
            Blobs sourceLarge = config.store().blobs() == Config.BlobPlace.FILES ? new FileBlobs(data.resolve("blobs")) : new ChunkedBlobs(source);
            var report = new SqliteToPostgresql(source, sourceLarge, target, data.toAbsolutePath().toString(), new SqliteToPostgresql.Progress() {
                @Override
                public void advanced(String stage, long done, long total) {
                    line.draw(done, total, String.format("%s: %,d of %,d", stage, done, total), done == 0 || done == total);
                }

                @Override
                public void problem(String what) {
                    line.problem("estafeta migrate: " + what);
                }
            }).run();
            line.finish();
            long rows = report.rows().values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("copied %,d rows in %d tables and %,d message bodies (%,d octets) into %s in %d s; counts and hashes checked%s%n",
                    rows, report.rows().size(), report.bodies(), report.bodyOctets(), to.replaceAll("//[^@/]*@", "//"),
                    (System.nanoTime() - started) / 1_000_000_000L,
                    report.problems().isEmpty() ? "" : ", " + report.problems().size() + " problems (above)");
            System.out.println("next: set store.url to that URL (with store.user and store.password) on every node, and start them");
            return report.problems().isEmpty() ? 0 : 2;
        }
    }
}
