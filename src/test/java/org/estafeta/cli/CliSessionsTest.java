package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.estafeta.testing.LiveLogins;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that need the running server, run while it runs on the same data dir: a new password
 * or a disable ends the account's live sessions on every mail protocol (issue 10 item 7), and the
 * failed-login throttle's blocks, which live in the server's memory, are listed and lifted (item 6).
 */
class CliSessionsTest {

    static TestServer server;
    static final String PASSWORD = "clave-de-prueba";

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    private static String user(String name) {
        String address = name + "@servidor.es";
        server.server().admin().addUser(address, PASSWORD, false);
        return address;
    }

    @Test
    void newPasswordEndsTheSessions() throws Exception {
        String address = user("cli-clave");
        try (LiveLogins live = LiveLogins.open(server, address, PASSWORD)) {
            CliRun r = CliRun.run(server.dataDir(), "otra-clave-nueva\n", "user", "passwd", address, "--password-stdin");
            assertThat(r.out()).contains("password changed for " + address, "sessions ended: 4");
            live.assertAllCut();
        }
    }

    @Test
    void disableEndsTheSessionsAndRefusesLogins() throws Exception {
        String address = user("cli-baja");
        try (LiveLogins live = LiveLogins.open(server, address, PASSWORD)) {
            CliRun r = CliRun.run(server.dataDir(), "", "user", "disable", address);
            assertThat(r.out()).contains("disabled user " + address, "sessions ended: 4");
            live.assertAllCut();
        }
        assertThat(CliRun.run(server.dataDir(), "", "user", "list").out()).contains(address + "  disabled");
        assertThat(CliRun.run(server.dataDir(), "", "user", "enable", address).out()).contains("enabled user " + address);
        LiveLogins.open(server, address, PASSWORD).close();
        assertThat(CliRun.run(server.dataDir(), "", "user", "disable", "nadie@servidor.es").err()).contains("no such account: nadie@servidor.es");
    }

    @Test
    void blocksAreListedAndLifted() throws Exception {
        String address = user("cli-dedos");
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            String wrong = Base64.getEncoder().encodeToString(("\0" + address + "\0mal").getBytes(StandardCharsets.UTF_8));
            String right = Base64.getEncoder().encodeToString(("\0" + address + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            // auth.max_failures_per_login (5) wrong passwords: the right one is refused unchecked.
            for (int i = 0; i < 5; i++) assertThat(smtp.command("AUTH PLAIN " + wrong)).startsWith("535");
            assertThat(smtp.command("AUTH PLAIN " + right)).startsWith("454 4.7.0");

            CliRun blocks = CliRun.run(server.dataDir(), "", "auth", "blocks");
            assertThat(blocks.code()).isZero();
            assertThat(blocks.out()).contains("KIND", "SUBJECT", "FAILURES", "UNTIL").containsPattern("login +127\\.0\\.0\\.1 " + address + " +5  20");
            assertThat(CliRun.run(server.dataDir(), "", "auth", "unblock", address).out()).containsPattern("blocks and counts lifted: [1-9]");
            assertThat(CliRun.run(server.dataDir(), "", "auth", "blocks").out()).isEqualTo("no blocks\n");
            assertThat(smtp.command("AUTH PLAIN " + right)).startsWith("235");
        }
    }

    @Test
    void withoutARunningServerTheBlocksCommandSaysSo(@TempDir Path empty) {
        CliRun r = CliRun.run(empty, "", "auth", "blocks");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no server is running on " + empty);
    }
}
