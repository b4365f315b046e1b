package org.estafeta.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.estafeta.testing.PostgreSql;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes' event hubs on one real PostgreSQL: a mailbox changed through node A is announced to a
 * listener (an IDLE session) on node B within a second, and after PostgreSQL restarts the notices flow
 * again, with B's listeners told to look meanwhile.
 */
class ClusterNoticesTest {

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();
    private static String database;

    @BeforeAll
    static void start() throws Exception {
        database = pg.createDatabase();
    }

    private static ClusterNotices node(MailboxEvents events) {
        return ClusterNotices.start(events, () -> DriverManager.getConnection(pg.jdbcUrl(database), PostgreSql.USER, PostgreSql.PASSWORD));
    }

    @Test
    void aChangeOnNodeAReachesAListenerOnNodeBWithinASecond() {
        MailboxEvents a = new MailboxEvents(), b = new MailboxEvents();
        List<Long> onA = new CopyOnWriteArrayList<>(), onB = new CopyOnWriteArrayList<>(), otherAccount = new CopyOnWriteArrayList<>();
        try (ClusterNotices nodeA = node(a); ClusterNotices nodeB = node(b);
             var la = a.subscribe(7, onA::add); var lb = b.subscribe(7, onB::add); var lo = b.subscribe(8, otherAccount::add)) {
            // Both listening before the first notice: a notice sent before LISTEN is not kept for later.
            await().atMost(Duration.ofSeconds(10)).until(() -> listeners(2));
            long sent = System.nanoTime();
            a.publish(7, 3);
            await().atMost(Duration.ofSeconds(1)).until(() -> onB.contains(3L));
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(1));
            // A's own listener was told once, at once, and not again when the notice came back from PostgreSQL.
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> onA.equals(List.of(3L)));
            assertThat(otherAccount).isEmpty();
            // And the other way round.
            b.publish(7, 4);
            await().atMost(Duration.ofSeconds(1)).until(() -> onA.contains(4L));
        }
    }

    @Test
    void afterPostgreSqlRestartsNoticesFlowAgainAndListenersAreToldToLook() throws Exception {
        MailboxEvents a = new MailboxEvents(), b = new MailboxEvents();
        List<Long> onB = new CopyOnWriteArrayList<>();
        try (ClusterNotices nodeA = node(a); ClusterNotices nodeB = node(b); var lb = b.subscribe(7, onB::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listeners(2));
            pg.stop();
            a.publish(7, 5); // sent once the database is back; B may or may not be listening by then
            pg.startAgain();
            // B listens again and, having perhaps missed notices, tells its listeners to look (-1).
            await().atMost(Duration.ofSeconds(15)).until(() -> onB.contains(-1L));
            await().atMost(Duration.ofSeconds(10)).until(() -> listeners(2));
            a.publish(7, 6);
            await().atMost(Duration.ofSeconds(1)).until(() -> onB.contains(6L));
        }
    }

    /** Whether {@code n} sessions of the test database are LISTENing on the channel. */
    private static boolean listeners(int n) throws Exception {
        String count = pg.psql(database, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'");
        return Integer.parseInt(count.strip()) >= n;
    }
}
