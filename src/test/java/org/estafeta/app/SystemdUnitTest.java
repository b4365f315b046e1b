package org.estafeta.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estafeta.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/estafeta.service is a unit systemd accepts as it is, with the sandbox the README promises. */
class SystemdUnitTest {

    private static final Path UNIT = Path.of("docs/estafeta.service");

    @TempDir
    Path dir;

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWord() throws Exception {
        assertThat(Processes.available("systemd-analyze")).as("systemd-analyze is not installed (./run-tests installs systemd)").isTrue();
        // verify checks that ExecStart's program exists: this machine's JDK stands in for /usr/bin/java.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path copy = dir.resolve("estafeta.service");
        Files.writeString(copy, Files.readString(UNIT).replace("ExecStart=/usr/bin/java ", "ExecStart=" + java + " "));
        Processes.Result verify = Processes.run(List.of("systemd-analyze", "verify", copy.toString()), new byte[0]);
        // A misspelt key or a bad value is only a warning with exit code 0: any output at all fails.
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();
        Processes.Result security = Processes.run(List.of("systemd-analyze", "security", "--offline=yes", copy.toString()), new byte[0]);
        Matcher m = Pattern.compile("Overall exposure level for estafeta.service: (\\d+\\.\\d)").matcher(security.output());
        assertThat(m.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("systemd's exposure score (0 safest, 10 unprotected)").isLessThan(3.0);
    }

    @Test
    void theSandboxIsThere() throws Exception {
        List<String> lines = Files.readAllLines(UNIT).stream().map(String::strip).toList();
        assertThat(lines).contains("ProtectSystem=strict", "ReadWritePaths=/var/lib/estafeta", "NoNewPrivileges=yes",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "User=estafeta",
                "ExecReload=/bin/kill -HUP $MAINPID", "KillSignal=SIGTERM");
        assertThat(lines).filteredOn(l -> l.startsWith("ExecStart=")).singleElement().asString()
                .contains("--data /var/lib/estafeta").contains("serve --standard-ports");
    }
}
