package org.estafeta.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Who sees which session, against a real server: a user their own sessions from the first line (the
 * lines before the login are replayed at the login), never another user's nor an MX session without
 * AUTH; an administrator any, by protocol or address; a slow watcher loses lines and is told so, and
 * the mail session does not wait for it.
 */
class SessionTracesTest {

    private static String plain(String user) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** Everything the subscription gets until {@code closes} sessions have closed. */
    private static List<SessionTraces.Event> until(SessionTraces.Subscription s, int closes) {
        List<SessionTraces.Event> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            got.addAll(s.next(Duration.ofMillis(50)));
            return got.stream().filter(e -> e.kind().equals("CLOSE")).count() >= closes;
        });
        return got;
    }

    private static List<String> lines(List<SessionTraces.Event> events) {
        return events.stream().map(TraceTranscriptTest::line).toList();
    }

    @Test
    void aUserSeesTheirOwnSessionsFromTheFirstLineAndNoOtherOnes() throws Exception {
        TestServer server = TestServer.start();
        try {
            SessionTraces traces = server.server().traces();
            try (var own = traces.subscribe(SessionTraces.Filter.own(TestServer.USER));
                 var admin = traces.subscribe(new SessionTraces.Filter(null, null, null, null))) {
                // Port 25 without AUTH, mail for the user: may carry other people's envelopes, so not theirs to watch.
                try (SmtpDialog mx = SmtpDialog.connect(server.port("smtp"))) {
                    assertThat(mx.send("pepe@pepito.es", TestServer.USER, "Subject: a ti\r\n\r\nhola\r\n")).startsWith("250");
                }
                try (SmtpDialog other = SmtpDialog.connect(server.port("submission"))) {
                    assertThat(other.command("AUTH PLAIN " + plain(TestServer.OTHER_USER))).startsWith("235");
                }
                try (SmtpDialog mine = SmtpDialog.connect(server.port("submission"))) {
                    assertThat(mine.command("AUTH PLAIN " + plain(TestServer.USER))).startsWith("235");
                    assertThat(mine.command("NOOP")).startsWith("250");
                }
                List<String> seen = lines(until(own, 1));
                assertThat(seen).startsWith("OPEN connected to port " + server.port("submission"), "S: 220 mx.servidor.es ESMTP Estafeta",
                        "C: EHLO test.example");
                assertThat(seen).containsSubsequence("C: AUTH PLAIN ****", "LOGIN logged in as " + TestServer.USER, "S: 235 2.7.0 Authentication successful",
                        "C: NOOP", "C: QUIT", "CLOSE connection closed");
                assertThat(seen).noneMatch(l -> l.contains("pepe")).noneMatch(l -> l.contains("HELO")).doesNotHaveDuplicates();
                List<SessionTraces.Event> all = until(admin, 3);
                assertThat(lines(all)).contains("C: MAIL FROM:<pepe@pepito.es>", "LOGIN logged in as " + TestServer.OTHER_USER);
            }
            assertThat(traces.watchers()).isZero();
        } finally {
            server.closeAndDelete();
        }
    }

    @Test
    void anAdministratorFiltersByProtocolAndAddress() throws Exception {
        TestServer server = TestServer.start();
        try {
            SessionTraces traces = server.server().traces();
            try (var smtp = traces.subscribe(new SessionTraces.Filter(null, "smtp", null, null));
                 var byAccount = traces.subscribe(new SessionTraces.Filter(null, null, TestServer.OTHER_USER, null));
                 var byIp = traces.subscribe(new SessionTraces.Filter(null, null, "127.0.0.1", null));
                 var pop3 = traces.subscribe(new SessionTraces.Filter(null, "pop3", null, null))) {
                try (SmtpDialog other = SmtpDialog.connect(server.port("submission"))) {
                    assertThat(other.command("AUTH PLAIN " + plain(TestServer.OTHER_USER))).startsWith("235");
                }
                try (SmtpDialog mx = SmtpDialog.connect(server.port("smtp"))) {
                    assertThat(mx.command("NOOP")).startsWith("250");
                }
                // "smtp" is the family: the submission listener's session and the MX one.
                assertThat(until(smtp, 2).stream().map(SessionTraces.Event::protocol).distinct()).containsExactlyInAnyOrder("submission", "smtp");
                assertThat(until(byIp, 2)).isNotEmpty();
                List<SessionTraces.Event> account = until(byAccount, 1);
                assertThat(account.stream().map(SessionTraces.Event::protocol).distinct()).containsExactly("submission");
                assertThat(lines(account)).contains("C: EHLO test.example", "C: AUTH PLAIN ****");
                assertThat(pop3.next(Duration.ofMillis(200))).isEmpty();
            }
        } finally {
            server.closeAndDelete();
        }
    }

    @Test
    void aSlowWatcherLosesLinesAndIsToldHowManyWhileTheSessionGoesOn() throws Exception {
        TestServer server = TestServer.start(Map.of("limits.trace_buffer", "4"));
        try {
            try (var slow = server.server().traces().subscribe(new SessionTraces.Filter(null, null, null, null))) {
                // EHLO's reply alone is 14 lines: the session answers them all though nobody reads the watcher's queue.
                try (SmtpDialog d = SmtpDialog.connect(server.port("smtp"))) {
                    assertThat(d.command("NOOP")).startsWith("250");
                }
                List<SessionTraces.Event> got = slow.next(Duration.ofSeconds(1));
                assertThat(got.getFirst().kind()).isEqualTo("DROPPED");
                assertThat(got.getFirst().text()).matches("\\d+ lines dropped: this viewer did not keep up");
                // Four kept, and at most the session's last line, which found room once the first was taken.
                assertThat(got.size()).isBetween(5, 6);
                // The first four lines were kept, in order.
                assertThat(lines(got.subList(1, 5))).startsWith("OPEN connected to port " + server.port("smtp"), "S: 220 mx.servidor.es ESMTP Estafeta");
            }
        } finally {
            server.closeAndDelete();
        }
    }
}
