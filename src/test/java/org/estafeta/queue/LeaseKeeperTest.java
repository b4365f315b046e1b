package org.estafeta.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.estafeta.events.MailboxEvents;
import org.estafeta.store.Blob;
import org.estafeta.store.Envelope;
import org.estafeta.store.Intake;
import org.estafeta.store.LeaseOwner;
import org.estafeta.store.Queue;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.store.sql.SqlIntake;
import org.estafeta.store.sql.SqlQueue;
import org.junit.jupiter.api.Test;

/**
 * A delivery that outlasts its lease keeps it: while node A's {@link LeaseKeeper} holds a recipient,
 * node B never claims it, however long A's attempt takes; once A lets go without recording (it died),
 * the lease runs out and B takes the recipient over.
 */
class LeaseKeeperTest {

    @Test
    void aDeliveryLongerThanTheLeaseKeepsItsRecipient() throws Exception {
        Path dir = Files.createTempDirectory("estafeta-lease");
        try (SqlDatabase db = SqlDatabase.openSqlite(dir)) {
            new SqlIntake(db, new MailboxEvents()).acceptAll(List.of(new Intake.Arrival(new Blob("c".repeat(64), 10), Instant.now(),
                    List.of(), List.of(new Intake.Outgoing("Q1", new Envelope("s@x.test", null, null,
                            List.of(new Envelope.Recipient("r@remote.test", null, null))))), null)));
            Queue a = new SqlQueue(db, LeaseOwner.newRun("node-a"));
            Queue b = new SqlQueue(db, LeaseOwner.newRun("node-b"));
            Duration lease = Duration.ofMillis(800);
            try (LeaseKeeper keeper = new LeaseKeeper(a, lease)) {
                List<Queue.Entry> claimed = a.claimDue(Instant.now(), lease, 10, null);
                assertThat(claimed).hasSize(1);
                keeper.hold(claimed);

                // Four leases long: node B finds nothing due all the while.
                await().during(Duration.ofMillis(3200)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> b.claimDue(Instant.now(), lease, 10, null).isEmpty());

                keeper.release(claimed);
                await().atMost(Duration.ofSeconds(3)).until(() -> b.claimDue(Instant.now(), Duration.ofMinutes(5), 10, null).size() == 1);
            }
        }
    }
}
