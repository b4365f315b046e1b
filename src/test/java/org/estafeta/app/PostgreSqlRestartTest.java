package org.estafeta.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.estafeta.testing.ImapDialog;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL restarted under load, with one node serving: SMTP clients keep sending on their own
 * connections and an IMAP client keeps polling (NOOP, SELECT) while PostgreSQL stops and starts again.
 * During the outage every SMTP reply is 250 or 451 4.3.0 and every IMAP one OK or NO [UNAVAILABLE], and
 * no connection ends without one; afterwards every session is served again, with no restart of the
 * node; and in the store each message that got a 250 is there exactly once, none that got a 451 is.
 */
class PostgreSqlRestartTest {

    private static final int SMTP_CLIENTS = 4;
    /** A client's pause after a 451, as an MTA would back off (shorter: the outage lasts seconds). */
    private static final Duration BACK_OFF = Duration.ofMillis(100);

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();

    @Test
    void restartingPostgreSqlUnderLoadLosesNothingStoresNothingTwiceAndNeedsNoNodeRestart() throws Exception {
        TestServer server = TestServer.start(Map.of("store.url", pg.url(pg.createDatabase()), "store.user", PostgreSql.USER,
                "store.password", PostgreSql.PASSWORD, "store.timeout", "1s"));
        Load load = new Load();
        try {
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < SMTP_CLIENTS; c++) {
                int client = c;
                threads.add(Thread.ofVirtual().start(() -> load.smtpClient(server.port("smtp"), client)));
            }
            threads.add(Thread.ofVirtual().start(() -> load.imapClient(server)));
            await().atMost(Duration.ofSeconds(20)).until(() -> load.stored.size() >= 4 * SMTP_CLIENTS);

            pg.stop();
            try {
                // Every session meets the outage twice: once as PostgreSQL ends its connections, then
                // while there is none to be had (store.timeout runs out).
                await().atMost(Duration.ofSeconds(20)).until(() -> load.refusedBy.values().stream().filter(n -> n.get() >= 2).count() == SMTP_CLIENTS
                        && load.imapUnavailable.get() >= 2);
            } finally {
                pg.startAgain();
            }
            Instant back = Instant.now();
            await().atMost(Duration.ofSeconds(20)).until(() -> load.storedAfter(back) == SMTP_CLIENTS && load.imapSelectedAfter(back));
            load.going.set(false);
            for (Thread t : threads) t.join(Duration.ofSeconds(30));

            assertThat(load.problems).isEmpty();
            List<String> inStore = messageIds(server);
            Map<String, Long> times = inStore.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(load.stored).allSatisfy(id -> assertThat(times.get(id)).as("copies of %s, which got a 250", id).isEqualTo(1L));
            assertThat(load.refused).isNotEmpty().allSatisfy(id -> assertThat(times).as("%s got a 451", id).doesNotContainKey(id));
            assertThat(inStore).hasSameSizeAs(load.stored);
        } finally {
            load.going.set(false);
            server.closeAndDelete();
        }
    }

    /** The Message-ID of every message in the INBOX, read by IMAP. */
    private static List<String> messageIds(TestServer server) throws IOException {
        try (ImapDialog imap = ImapDialog.login(server)) {
            assertThat(imap.command("SELECT INBOX")).last().asString().startsWith("a OK");
            return imap.command("FETCH 1:* BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]").stream()
                    .filter(l -> l.regionMatches(true, 0, "Message-ID:", 0, 11)).map(l -> l.substring(11).strip()).toList();
        }
    }

    /** What the clients were told, by Message-ID, and anything they were told that they should not have been. */
    private static final class Load {
        final AtomicBoolean going = new AtomicBoolean(true);
        final Queue<String> stored = new ConcurrentLinkedQueue<>();
        final Queue<String> refused = new ConcurrentLinkedQueue<>();
        final Queue<String> problems = new ConcurrentLinkedQueue<>();
        /** Per SMTP client, when it last got a 250, and how many 451s it got. */
        final Map<Integer, Instant> lastStored = new ConcurrentHashMap<>();
        final Map<Integer, AtomicInteger> refusedBy = new ConcurrentHashMap<>();
        final AtomicInteger imapUnavailable = new AtomicInteger();
        volatile Instant lastImapSelect = Instant.MIN;

        long storedAfter(Instant t) {
            return lastStored.values().stream().filter(i -> i.isAfter(t)).count();
        }

        boolean imapSelectedAfter(Instant t) {
            return lastImapSelect.isAfter(t);
        }

        /** Sends one message after another on one connection; after a 451, RSET and a short pause. */
        void smtpClient(int port, int client) {
            try (SmtpDialog smtp = SmtpDialog.connect(port)) {
                for (int i = 0; going.get(); i++) {
                    String id = "<" + client + "." + i + "@restart.test>";
                    String reply = smtp.send("pepe@pepito.es", TestServer.USER, "Message-ID: " + id + "\r\nSubject: carga\r\n\r\nHola.\r\n");
                    if (reply.startsWith("250")) {
                        stored.add(id);
                        lastStored.put(client, Instant.now());
                    } else if (reply.startsWith("451 4.3.0")) {
                        refused.add(id);
                        refusedBy.computeIfAbsent(client, k -> new AtomicInteger()).incrementAndGet();
                        if (!smtp.command("RSET").startsWith("250")) problems.add("SMTP client " + client + ": RSET refused after a 451");
                        Thread.sleep(BACK_OFF);
                    } else {
                        problems.add("SMTP client " + client + " sending " + id + ": " + reply);
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                problems.add("SMTP client " + client + ": " + e);
            }
        }

        /** Polls with NOOP and SELECT in turn; every tagged reply must be OK or NO [UNAVAILABLE]. */
        void imapClient(TestServer server) {
            try (ImapDialog imap = ImapDialog.login(server)) {
                for (int i = 0; going.get(); i++) {
                    String command = i % 2 == 0 ? "NOOP" : "SELECT INBOX";
                    String last = imap.command(command).getLast();
                    if (last.startsWith("a NO [UNAVAILABLE]")) {
                        imapUnavailable.incrementAndGet();
                    } else if (!last.startsWith("a OK")) {
                        problems.add("IMAP " + command + ": " + last);
                        return;
                    } else if (command.startsWith("SELECT")) {
                        lastImapSelect = Instant.now();
                    }
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException e) {
                problems.add("IMAP: " + e);
            }
        }
    }
}
