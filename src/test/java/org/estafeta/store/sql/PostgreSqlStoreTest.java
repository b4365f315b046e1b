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
import org.estafeta.store.Flag;
import org.estafeta.store.LeaseOwner;
import org.estafeta.store.Queue;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;
import org.estafeta.testing.PostgreSql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StoreSuite} on a real PostgreSQL (one throwaway cluster for the class, a new database per
 * test), and what only a shared database has to get right: two nodes appending to one mailbox.
 */
class PostgreSqlStoreTest extends StoreSuite {

    private static final LeaseOwner NODE_A = LeaseOwner.newRun("node-a");
    private static final LeaseOwner NODE_B = LeaseOwner.newRun("node-b");

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();
    private String database;

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

    /**
     * Two nodes changing flags of the same messages at once, while one of them expunges some: no flag
     * change is lost and a STORE on a message just expunged is skipped, not a foreign-key failure
     * (both happened before a flag change locked its mailbox row first; imaptest found the second).
     */
    @Test
    void twoNodesStoringFlagsAndExpungingAtOnceLoseNothingAndFailNothing() throws Exception {
        int count = 60;
        try (SqlDatabase other = node(pg.urlWithCredentials(database)); var pool = Executors.newFixedThreadPool(3)) {
            SqlMessages a = new SqlMessages(db, new MailboxEvents()), b = new SqlMessages(other, new MailboxEvents());
            List<Long> uids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                uids.addAll(a.appendAll(inbox, List.of(new Messages.NewMessage(new Blob("%064x".formatted(1000 + i), 10), 0, List.of(),
                        java.time.Instant.now(), null))));
            }
            List<Long> expunged = uids.subList(0, count / 2);
            List<Future<?>> workers = List.of(
                    pool.submit(() -> rounds(a, uids, Flag.SEEN, "$A")),
                    pool.submit(() -> rounds(b, uids, Flag.FLAGGED, "$B")),
                    pool.submit(() -> expunged.forEach(uid -> {
                        b.setFlags(inbox, List.of(uid), Messages.Mode.ADD, Flag.DELETED.bit(), List.of(), -1);
                        b.expunge(inbox, List.of(uid));
                    })));
            for (Future<?> f : workers) f.get();
            List<MessageInfo> left = a.list(inbox);
            assertThat(left).extracting(MessageInfo::uid).containsExactlyElementsOf(uids.subList(count / 2, count));
            assertThat(left).allSatisfy(m -> {
                assertThat(m.flags() & (Flag.SEEN.bit() | Flag.FLAGGED.bit())).as("uid %d", m.uid()).isEqualTo(Flag.SEEN.bit() | Flag.FLAGGED.bit());
                assertThat(m.keywords()).as("uid %d", m.uid()).containsExactlyInAnyOrder("$A1", "$A2", "$A3", "$A4", "$B1", "$B2", "$B3", "$B4");
            });
        }
    }

    /** Four rounds over the messages, each adding {@code flag} and a keyword of its own. */
    private void rounds(SqlMessages node, List<Long> uids, Flag flag, String keyword) {
        for (int round = 1; round <= 4; round++) {
            for (long uid : uids) node.setFlags(inbox, List.of(uid), Messages.Mode.ADD, flag.bit(), List.of(keyword + round), -1);
        }
    }

    /**
     * Two sessions on two nodes selecting a mailbox with new mail at the same moment: only one of them
     * may see it as \Recent (RFC 3501 §2.3.2). Each read the mark, then moved it, so both could read the
     * old mark before either moved it (imaptest: "has \Recent flag in multiple sessions").
     */
    @Test
    void twoNodesClaimingRecentAtOnceNeverBothGetAMessage() throws Exception {
        try (SqlDatabase other = node(pg.urlWithCredentials(database)); var pool = Executors.newFixedThreadPool(2)) {
            SqlMessages a = new SqlMessages(db, new MailboxEvents()), b = new SqlMessages(other, new MailboxEvents());
            int both = 0;
            for (int round = 0; round < 150; round++) {
                long uid = a.appendAll(inbox, List.of(new Messages.NewMessage(new Blob("%064x".formatted(round), 10), 0, List.of(),
                        java.time.Instant.now(), null))).getFirst();
                var start = new java.util.concurrent.CyclicBarrier(2);
                Future<Long> onA = pool.submit(() -> {
                    start.await();
                    return a.claimRecent(inbox);
                });
                Future<Long> onB = pool.submit(() -> {
                    start.await();
                    return b.claimRecent(inbox);
                });
                if (onA.get() < uid && onB.get() < uid) both++;
            }
            assertThat(both).as("rounds where both sessions got the new message as \\Recent").isZero();
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
            List<SqlQueue> nodes = List.of(new SqlQueue(db, NODE_A), new SqlQueue(other, NODE_B));
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

    /** A node starting (or restarting) frees only its own earlier runs' claims, never what another node is sending. */
    @Test
    void aNodeStartingLeavesTheOtherNodesClaimsAlone() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        queueOne("Q1", now, "a@remote.test", "b@remote.test");
        try (SqlDatabase other = node(pg.url(database))) {
            SqlQueue a = new SqlQueue(db, NODE_A);
            assertThat(a.claimDue(now, Duration.ofMinutes(5), 1, null)).hasSize(1);
            SqlQueue b = new SqlQueue(other, NODE_B);
            assertThat(b.releaseLeases()).isZero();
            assertThat(b.claimDue(now, Duration.ofMinutes(5), 10, null)).hasSize(1);
            // Node B again, restarted: its first run's claim is free at once; node A's is not.
            SqlQueue bAgain = new SqlQueue(other, LeaseOwner.newRun(NODE_B.node()));
            assertThat(bAgain.releaseLeases()).isEqualTo(1);
            assertThat(bAgain.claimDue(now, Duration.ofMinutes(5), 10, null)).hasSize(1);
            assertThat(new SqlQueue(other, LeaseOwner.newRun(NODE_B.node())).claimDue(now, Duration.ofMinutes(5), 10, null)).isEmpty();
        }
    }

    /**
     * Node A's lease runs out while its attempt hangs, node B takes the recipient over and delivers it;
     * A's late "deferred" must not undo that (the message would be sent again), nor its "delivered"
     * end B's lease on a recipient B is still trying.
     */
    @Test
    void aLateOutcomeAfterTakeoverIsDropped() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        queueOne("Q1", now, "a@remote.test", "b@remote.test");
        try (SqlDatabase other = node(pg.url(database))) {
            SqlQueue a = new SqlQueue(db, NODE_A);
            SqlQueue b = new SqlQueue(other, NODE_B);
            List<Queue.Entry> claimedByA = a.claimDue(now, Duration.ofSeconds(1), 10, null);
            assertThat(claimedByA).hasSize(2);
            assertThat(a.renew(claimedByA.stream().map(Queue.Entry::recipientId).toList(), now.plusSeconds(1))).isEqualTo(2);
            java.time.Instant later = now.plusSeconds(2);
            List<Queue.Entry> takenOver = b.claimDue(later, Duration.ofMinutes(5), 10, null);
            assertThat(takenOver).hasSize(2);
            assertThat(a.renew(claimedByA.stream().map(Queue.Entry::recipientId).toList(), later.plusSeconds(60))).isZero();
            long first = takenOver.get(0).recipientId();
            long second = takenOver.get(1).recipientId();
            assertThat(b.record(List.of(new Queue.Outcome.Delivered(first, "mx.remote.test", "250 ok")))).hasSize(1);

            assertThat(a.record(List.of(new Queue.Outcome.Deferred(first, "mx.remote.test", "451 timeout", later.plusSeconds(300)),
                    new Queue.Outcome.Delivered(second, "mx.remote.test", "250 ok")))).isEmpty();

            assertThat(b.show("Q1")).extracting(Queue.Entry::status).containsExactly("delivered", "queued");
            assertThat(b.show("Q1").getFirst().attempts()).isEqualTo(1);
            // B still holds the second: nobody else may claim it, and B's own outcome counts.
            assertThat(new SqlQueue(db, LeaseOwner.newRun("node-c")).claimDue(later, Duration.ofMinutes(5), 10, null)).isEmpty();
            assertThat(b.record(List.of(new Queue.Outcome.Delivered(second, "mx.remote.test", "250 ok")))).hasSize(1);
            assertThat(b.list()).isEmpty();
        }
    }

    /**
     * POP3 maildrop locks between two nodes (RFC 1939 §8): one holder at a time across both, shown in
     * pg_locks under our namespace ("Pop3", the account). A lock connection that PostgreSQL ends (here
     * pg_terminate_backend, as a restart does) is made again by the node itself, which takes back the
     * locks its sessions still hold.
     */
    @Test
    void aMaildropLockedOnOneNodeIsInUseOnTheOtherAndIsTakenBackAfterItsConnectionDies() throws Exception {
        SqlAccounts accounts = new SqlAccounts(db);
        long ana = accounts.account("ana@example.org").orElseThrow().id();
        long bea = accounts.addAccount("bea@example.org", "hash", false).id();
        try (SqlDatabase other = node(pg.url(database))) {
            SqlMailboxes a = new SqlMailboxes(db, new MailboxEvents());
            SqlMailboxes b = new SqlMailboxes(other, new MailboxEvents());
            var anaOnA = a.tryLockMaildrop(ana).orElseThrow();
            assertThat(b.tryLockMaildrop(ana)).isEmpty();
            assertThat(a.tryLockMaildrop(ana)).isEmpty();
            assertThat(pg.psql(database, "SELECT classid, objid, objsubid FROM pg_locks WHERE locktype = 'advisory'").strip())
                    .isEqualTo(AdvisoryMaildropLocks.NAMESPACE + "|" + ana + "|2");

            String pid = pg.psql(database, "SELECT pid FROM pg_locks WHERE locktype = 'advisory'").strip();
            assertThat(pg.psql(database, "SELECT pg_terminate_backend(" + pid + ", 10000)").strip()).isEqualTo("t");
            // Node A takes it back on a new backend by itself, before any call of its own.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                String holder = pg.psql(database, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = " + ana).strip();
                return !holder.isEmpty() && !holder.equals(pid);
            });
            assertThat(b.tryLockMaildrop(ana)).isEmpty();
            a.tryLockMaildrop(bea).orElseThrow().close();
            assertThat(b.tryLockMaildrop(ana)).isEmpty();

            anaOnA.close();
            anaOnA.close();
            b.tryLockMaildrop(ana).orElseThrow().close();
            assertThat(pg.psql(database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").strip()).isEqualTo("0");
        }
    }

    /**
     * A node opens all of its store.pool_size connections from the start: the first burst of logins
     * after a node joins the load balancer (imaptest's thirty at once through bench/cluster.sh's three
     * nodes) found two and waited for the rest to be made one by one, each a fork and a SCRAM
     * exchange on a loaded machine, until store.timeout answered NO [UNAVAILABLE].
     */
    @Test
    void aNodeKeepsItsWholePoolOpenFromTheStart() throws Exception {
        String other = pg.createDatabase();
        try (SqlDatabase node = node(pg.url(other))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    pg.psql(other, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                            .strip().equals("4"));
        }
    }

    private void queueOne(String queueId, java.time.Instant now, String... recipients) {
        new SqlIntake(db, new MailboxEvents()).acceptAll(List.of(new org.estafeta.store.Intake.Arrival(new Blob("b".repeat(64), 10), now,
                List.of(), List.of(new org.estafeta.store.Intake.Outgoing(queueId, new org.estafeta.store.Envelope("s@x.test", null, null,
                        java.util.Arrays.stream(recipients).map(r -> new org.estafeta.store.Envelope.Recipient(r, null, null)).toList()))),
                null)));
    }
}
