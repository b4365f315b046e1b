package org.estafeta.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sieve-connect (Debian sieve-connect), a real ManageSieve client, drives the whole life of a script:
 * STARTTLS, AUTHENTICATE PLAIN, upload, list, activate, download, check, deactivate, delete; a
 * script that does not compile is refused with its line and column.
 */
class SieveConnectTest {

    private TestServer server;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        // No trusted networks: the client must use STARTTLS before it may send the password.
        server = TestServer.start(java.util.Map.of("smtp.relay_networks", ""));
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    private Processes.Result sieveConnect(String... action) throws Exception {
        List<String> command = new ArrayList<>(List.of("sieve-connect", "--server", "127.0.0.1", "--port", String.valueOf(server.port("managesieve")),
                "--user", TestServer.USER, "--passwordfd", "0", "--notlsverify", "--noclearauth", "--authmech", "PLAIN"));
        command.addAll(List.of(action));
        return Processes.run(command, (TestServer.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void uploadsActivatesDownloadsAndDeletes() throws Exception {
        Path script = dir.resolve("filters.sieve");
        Files.writeString(script, "require [\"fileinto\"];\nif header :contains \"subject\" \"report\" { fileinto \"Reports\"; }\n");
        Processes.Result up = sieveConnect("--upload", "--localsieve", script.toString(), "--remotesieve", "filters");
        assertThat(up.exitCode()).as(up.output()).isZero();

        Processes.Result activate = sieveConnect("--activate", "--remotesieve", "filters");
        assertThat(activate.exitCode()).as(activate.output()).isZero();
        Processes.Result list = sieveConnect("--list");
        assertThat(list.output()).contains("\"filters\" ACTIVE");

        Path back = dir.resolve("back.sieve");
        Processes.Result down = sieveConnect("--download", "--remotesieve", "filters", "--localsieve", back.toString());
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(Files.readString(back)).isEqualTo(Files.readString(script));

        Processes.Result check = sieveConnect("--checkscript", "--localsieve", script.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();

        Path broken = dir.resolve("broken.sieve");
        Files.writeString(broken, "require \"fileinto\";\nfileinto \"x\"\n");
        Processes.Result refused = sieveConnect("--upload", "--localsieve", broken.toString(), "--remotesieve", "broken");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("line 3, column 1: expected ';' or '{'");

        assertThat(sieveConnect("--deactivate").exitCode()).isZero();
        Processes.Result delete = sieveConnect("--delete", "--remotesieve", "filters");
        assertThat(delete.exitCode()).as(delete.output()).isZero();
        assertThat(sieveConnect("--list").output()).doesNotContain("filters");
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        List<String> command = List.of("sieve-connect", "--server", "127.0.0.1", "--port", String.valueOf(server.port("managesieve")),
                "--user", TestServer.USER, "--passwordfd", "0", "--notlsverify", "--authmech", "PLAIN", "--list");
        Processes.Result r = Processes.run(command, "wrong\n".getBytes(StandardCharsets.UTF_8));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("Authentication failed");
    }
}
