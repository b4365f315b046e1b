package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.estafeta.config.Config;
import org.estafeta.events.MailboxEvents;
import org.estafeta.store.Blob;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;
import org.estafeta.testing.PostgreSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link StoreSuite} on a real PostgreSQL (one throwaway cluster for the class, a new database per
 * test), and what only a shared database has to get right: two nodes appending to one mailbox.
 */
class PostgreSqlStoreTest extends StoreSuite {

    private static PostgreSql pg;
    private String database;

    @BeforeAll
    static void startPostgreSql() throws Exception {
        pg = PostgreSql.start();
    }

    @AfterAll
    static void stopPostgreSql() throws Exception {
        if (pg != null) pg.close();
    }

    @Override
    protected SqlDatabase open() throws Exception {
        database = pg.createDatabase();
        return node(pg.url(database));
    }

    private static SqlDatabase node(String url) {
        return SqlDatabase.openPostgresql(new Config.Store(url, PostgreSql.USER, PostgreSql.PASSWORD, 4, Duration.ofSeconds(5), 64 * 1024, Config.BlobPlace.DATABASE));
    }

    /**
     * Two nodes (two pools) append to one mailbox at once: every UID is given once, in the order the
     * appends committed, and MODSEQs grow with UIDs (RFC 9051 §2.3.1.1, RFC 7162 §3.1.1). The mailbox
     * row's UPDATE ... RETURNING is the lock that orders them.
     */
    @Test
    void twoNodesAppendingToOneMailboxNeverShareAUid() throws Exception {
        int perWorker = 40;
        try (SqlDatabase other = node(pg.urlWithCredentials(database)); var pool = Executors.newFixedThreadPool(6)) {
            List<SqlMessages> nodes = List.of(new SqlMessages(db, new MailboxEvents()), new SqlMessages(other, new MailboxEvents()));
            ConcurrentLinkedQueue<Long> given = new ConcurrentLinkedQueue<>();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                SqlMessages node = nodes.get(w % 2);
                int worker = w;
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perWorker; i++) {
                        Blob blob = new Blob("%032x%032x".formatted(worker, i), 10);
                        given.addAll(node.appendAll(inbox, List.of(new Messages.NewMessage(blob, 0, List.of(), java.time.Instant.now(), null))));
                    }
                }));
            }
            for (Future<?> f : workers) f.get();
            List<MessageInfo> stored = nodes.get(1).list(inbox);
            assertThat(given).hasSize(6 * perWorker).doesNotHaveDuplicates();
            assertThat(stored).extracting(MessageInfo::uid).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 6L * perWorker).boxed().toList());
            assertThat(stored).extracting(MessageInfo::modSeq).isSorted().doesNotHaveDuplicates();
            assertThat(nodes.getFirst().state(inbox).uidNext()).isEqualTo(6L * perWorker + 1);
        }
    }

    /** Two nodes claiming due queue entries at once: each recipient goes to exactly one of them. */
    @Test
    void twoNodesClaimingTheQueueNeverTakeOneRecipientTwice() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        List<org.estafeta.store.Envelope.Recipient> recipients = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> new org.estafeta.store.Envelope.Recipient("r" + i + "@remote.test", null, null)).toList();
        new SqlIntake(db, new MailboxEvents()).acceptAll(List.of(new org.estafeta.store.Intake.Arrival(new Blob("a".repeat(64), 10), now,
                List.of(), List.of(new org.estafeta.store.Intake.Outgoing("Q1", new org.estafeta.store.Envelope("s@x.test", null, null, recipients))),
                null)));
        try (SqlDatabase other = node(pg.url(database)); var pool = Executors.newFixedThreadPool(4)) {
            List<SqlQueue> nodes = List.of(new SqlQueue(db), new SqlQueue(other));
            ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                SqlQueue node = nodes.get(w % 2);
                workers.add(pool.submit(() -> {
                    List<org.estafeta.store.Queue.Entry> got;
                    do {
                        got = node.claimDue(now, Duration.ofMinutes(5), 7, null);
                        got.forEach(e -> claimed.add(e.recipientId()));
                    } while (!got.isEmpty());
                }));
            }
            for (Future<?> f : workers) f.get();
            assertThat(claimed).hasSize(200).doesNotHaveDuplicates();
        }
    }
}
