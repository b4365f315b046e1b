package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code estafeta trace} against the server running on the same data dir: the lines of the sessions
 * it chose, as they happen, with the password masked; and one clear line when no server runs.
 */
class TraceCliTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    /** Runs the command in the background until it has printed {@code count} lines; returns once it watches. */
    private static CompletableFuture<CliRun> trace(String... args) {
        int before = server.server().traces().watchers();
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.run(server.dataDir(), "", args));
        await().atMost(Duration.ofSeconds(20)).until(() -> server.server().traces().watchers() > before || run.isDone());
        return run;
    }

    @Test
    void streamsTheChosenSessionsWithThePasswordMasked() throws Exception {
        String plain = Base64.getEncoder().encodeToString(("\0" + TestServer.USER + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
        // 16 lines: OPEN, the greeting, EHLO and its 14-line reply... enough to reach past AUTH with --count 22.
        CompletableFuture<CliRun> run = trace("trace", "--protocol", "submission", "--address", TestServer.USER, "--count", "22");
        try (SmtpDialog mx = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(mx.command("NOOP")).startsWith("250");
        }
        try (SmtpDialog d = SmtpDialog.connect(server.port("submission"))) {
            assertThat(d.command("AUTH PLAIN " + plain)).startsWith("235");
            assertThat(d.command("MAIL FROM:<" + TestServer.USER + ">")).startsWith("250");
            assertThat(d.command("RSET")).startsWith("250");
        }
        CliRun r = run.get();
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("watching the sessions of the server on " + server.dataDir());
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(22).allMatch(l -> l.matches("20\\d\\d-\\d\\d-\\d\\dT[0-9:.]+Z [0-9a-f]{8} submission 127\\.0\\.0\\.1 \\S+ .*"));
        assertThat(lines.getFirst()).contains(" - OPEN connected to port " + server.port("submission"));
        assertThat(lines).anyMatch(l -> l.endsWith(" - C: AUTH PLAIN ****"))
                .anyMatch(l -> l.endsWith(TestServer.USER + " C: MAIL FROM:<" + TestServer.USER + ">"))
                .noneMatch(l -> l.contains(plain)).noneMatch(l -> l.contains("NOOP"));
        assertThat(r.out().indexOf("AUTH PLAIN ****")).isLessThan(r.out().indexOf("LOGIN logged in as")).isLessThan(r.out().indexOf("C: MAIL FROM"));
    }

    @Test
    void noServerIsOneLine(@TempDir Path empty) throws Exception {
        Files.createDirectories(empty);
        CliRun r = CliRun.run(empty, "", "trace");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("estafeta: no server is running on " + empty + " (the trace lives in its memory)\n");
    }

    @Test
    void aLineBreakInAFilterIsRefused() {
        CliRun r = CliRun.run(server.dataDir(), "", "trace", "--address", "a@b\nblocks");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("estafeta: not a protocol or address");
    }
}
