package org.estafeta.app;

import org.estafeta.config.Config;
import org.estafeta.events.ClusterNotices;
import org.estafeta.events.MailboxEvents;
import org.estafeta.store.Accounts;
import org.estafeta.store.Blobs;
import org.estafeta.store.FileBlobs;
import org.estafeta.store.Intake;
import org.estafeta.store.LeaseOwner;
import org.estafeta.store.LocalLoginFailures;
import org.estafeta.store.LoginFailures;
import org.estafeta.store.WebLogins;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.Messages;
import org.estafeta.store.PrivateFiles;
import org.estafeta.store.Queue;
import org.estafeta.store.SieveScripts;
import org.estafeta.store.sql.ChunkedBlobs;
import org.estafeta.store.sql.SqlAccounts;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.store.sql.SqlIntake;
import org.estafeta.store.sql.SqlLoginFailures;
import org.estafeta.store.sql.SqlWebLogins;
import org.estafeta.store.sql.SqlMailboxes;
import org.estafeta.store.sql.SqlMessages;
import org.estafeta.store.sql.SqlQueue;
import org.estafeta.store.sql.SqlBlobs;
import org.estafeta.store.sql.SqlSieveScripts;
import org.estafeta.store.sql.SqliteToPostgresql;

/**
 * The store as the rest of the program sees it: the embedded SQLite database (or the PostgreSQL that
 * {@code store.url} names) and the large message bodies, as files in the data dir or chunks in the database ({@code store.blobs}). The only place that picks concrete store classes.
 */
public final class Storage implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Storage.class);

    private final SqlDatabase database;
    private final Accounts accounts;
    private final Mailboxes mailboxes;
    private final Messages messages;
    private final SqlBlobs blobs;
    private final Intake intake;
    private final Queue queue;
    private final SieveScripts sieveScripts;
    /** The failed-login counts: in the database that the nodes share, in memory on one SQLite node (LocalLoginFailures says why). */
    private final LoginFailures loginFailures;
    private final WebLogins webLogins;
    /** Change notices; the store publishes after every commit that changes a mailbox. */
    private final MailboxEvents events = new MailboxEvents();
    /** On a shared database: the notices of the other nodes, and ours to them; null on SQLite. */
    private final ClusterNotices clusterNotices;

    private Storage(SqlDatabase database, SqlBlobs blobs, LeaseOwner owner) {
        this.database = database;
        this.accounts = new SqlAccounts(database);
        this.mailboxes = new SqlMailboxes(database, events);
        this.messages = new SqlMessages(database, events);
        this.intake = new SqlIntake(database, events);
        this.queue = new SqlQueue(database, owner);
        this.sieveScripts = new SqlSieveScripts(database);
        this.blobs = blobs;
        this.loginFailures = database.shared() ? new SqlLoginFailures(database) : new LocalLoginFailures();
        this.webLogins = new SqlWebLogins(database);
        this.clusterNotices = database.shared() ? ClusterNotices.start(events, database::dedicatedConnection) : null;
    }

    /** Opens the data dir, creating and migrating it on first use; a new store gets the configured domains. */
    public static Storage open(Config config) {
        var dataDir = config.server().dataDir();
        restrictPermissions(dataDir);
        SqlDatabase db = config.store().postgresql() ? SqlDatabase.openPostgresql(config.store()) : SqlDatabase.openSqlite(dataDir);
        if (db.shared() && SqliteToPostgresql.unfinished(db)) {
            db.close();
            throw new org.estafeta.store.StoreException("the database " + config.store().url().replaceAll("//[^@/]*@", "//")
                    + " holds an unfinished `estafeta migrate`: run it again to finish the copy before serving from it");
        }
        Storage storage = new Storage(db, new SqlBlobs(db, largeBlobs(config.store().blobs(), db, dataDir), config.store().inlineBlobSize()),
                LeaseOwner.newRun(NodeId.of(dataDir)));
        if (db.markInitialised()) {
            for (String domain : config.server().domains()) storage.accounts.addDomain(domain);
        }
        return storage;
    }

    /** Where bodies above the inline size go; in the database, after sweeping what a node that stopped mid-write left there. */
    private static Blobs largeBlobs(Config.BlobPlace place, SqlDatabase db, java.nio.file.Path dataDir) {
        return switch (place) {
            case FILES -> new FileBlobs(dataDir.resolve("blobs"));
            case DATABASE -> {
                ChunkedBlobs chunked = new ChunkedBlobs(db);
                int swept = chunked.sweepAbandoned();
                if (swept > 0) log.info("removed {} message bodies that were never finished (their node stopped while writing them)", swept);
                yield chunked;
            }
        };
    }

    /** An existing data dir made before it was created private (or loosened by hand) is fixed, with one line said. */
    private static void restrictPermissions(java.nio.file.Path dataDir) {
        try {
            int changed = PrivateFiles.restrict(dataDir);
            if (changed > 0) {
                log.warn("data dir {}: {} files and directories were readable by other users; now 0600 files in 0700 directories",
                        dataDir.toAbsolutePath(), changed);
            }
        } catch (java.io.IOException e) {
            throw new org.estafeta.store.StoreException("cannot restrict the permissions of " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public Accounts accounts() {
        return accounts;
    }

    public Mailboxes mailboxes() {
        return mailboxes;
    }

    public Messages messages() {
        return messages;
    }

    /** Change notices, published by the store after each commit. */
    public MailboxEvents events() {
        return events;
    }

    public Blobs blobs() {
        return blobs;
    }

    /** Octets of the small message bodies kept inside the database (the rest are files under blobs/). */
    public long blobBytesInDatabase() {
        return blobs.bytesInDatabase();
    }

    public Intake intake() {
        return intake;
    }

    public Queue queue() {
        return queue;
    }

    public SieveScripts sieveScripts() {
        return sieveScripts;
    }

    public LoginFailures loginFailures() {
        return loginFailures;
    }

    /** Web sessions, in the database on every dialect: any node serves any browser, and a restart logs nobody out. */
    public WebLogins webLogins() {
        return webLogins;
    }

    @Override
    public void close() {
        if (clusterNotices != null) clusterNotices.close();
        database.close();
    }
}
