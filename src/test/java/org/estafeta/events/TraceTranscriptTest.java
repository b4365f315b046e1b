package org.estafeta.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The live trace as a learner sees it, per protocol: each file under {@code transcripts/trace/} is a
 * transcript (C:/S: lines, run by {@link Transcript} against a real server) followed by {@code T:}
 * lines, the trace those sessions must produce, in order ({@code T: C: AUTH PLAIN ****}; a trailing
 * {@code *} is a prefix match, {@code T~:} a regex). Lines not listed may come in between. Whatever
 * else the trace holds, it never holds the password, in clear or in base64, nor a PLAIN response.
 */
class TraceTranscriptTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    @TestFactory
    Stream<DynamicTest> traces() throws IOException {
        return Transcript.files("trace").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString().replace(".txt", ""),
                () -> check(file)));
    }

    private static void check(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> expected = lines.stream().filter(l -> l.startsWith("T: ") || l.startsWith("T~: ")).map(Transcript::substitute).toList();
        Path dialogue = Files.createTempFile("trace-", ".txt");
        try {
            Files.write(dialogue, lines.stream().filter(l -> !l.startsWith("T: ") && !l.startsWith("T~: ")).toList(), StandardCharsets.UTF_8);
            List<SessionTraces.Event> events = new ArrayList<>();
            try (var watching = server.server().traces().subscribe(new SessionTraces.Filter(null, null, null, null))) {
                new Transcript(dialogue, "smtp").run(server);
                // Every session this transcript opened has closed on the server's side too.
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    events.addAll(watching.next(Duration.ofMillis(50)));
                    long opened = events.stream().filter(e -> e.kind().equals("OPEN")).count();
                    return opened > 0 && opened == events.stream().filter(e -> e.kind().equals("CLOSE")).count();
                });
            }
            List<String> got = events.stream().map(TraceTranscriptTest::line).toList();
            assertInOrder(file, expected, got);
            for (String secret : secrets()) {
                assertThat(got).as("the trace of %s shows a secret", file.getFileName()).noneMatch(l -> l.contains(secret));
            }
        } finally {
            Files.delete(dialogue);
        }
    }

    /** The event as a T: line shows it. */
    static String line(SessionTraces.Event e) {
        return (e.kind() + (e.kind().equals("C") || e.kind().equals("S") ? ": " : " ") + e.text()).stripTrailing();
    }

    private static void assertInOrder(Path file, List<String> expected, List<String> got) {
        int at = 0;
        for (String want : expected) {
            boolean regex = want.startsWith("T~: ");
            String pattern = want.substring(regex ? 4 : 3).stripTrailing();
            int found = -1;
            for (int i = at; i < got.size() && found < 0; i++) if (matches(pattern, regex, got.get(i))) found = i;
            if (found < 0) {
                throw new AssertionError(file.getFileName() + ": expected [" + pattern + "] after line " + at + " of the trace:\n  "
                        + String.join("\n  ", got));
            }
            at = found + 1;
        }
    }

    private static boolean matches(String pattern, boolean regex, String line) {
        if (regex) return Pattern.compile(pattern).matcher(line).matches();
        if (pattern.endsWith("*")) return line.startsWith(pattern.substring(0, pattern.length() - 1));
        return line.equals(pattern);
    }

    private static List<String> secrets() {
        Base64.Encoder b64 = Base64.getEncoder();
        return List.of(TestServer.PASSWORD, b64.encodeToString(TestServer.PASSWORD.getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(TestServer.USER.getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(("\0" + TestServer.USER + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
}
