package org.estafeta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration written for another version starts the server: old names work, unknown ones warn. */
class ConfigEvolutionTest {

    @TempDir
    Path dir;

    @Test
    void aRenamedKeyKeepsWorking() throws Exception {
        Files.writeString(dir.resolve("estafeta.toml"), """
                [limits]
                imap_idle_timeout = 2400
                """);
        Config c = ConfigLoader.load(dir, null, Map.of(), 0);
        assertThat(c.limits().imapIdleTimeout().toSeconds()).isEqualTo(2400);
        assertThat(ConfigLoader.check(dir, dir.resolve("estafeta.toml")))
                .containsExactly("warning: " + dir.resolve("estafeta.toml") + ": limits.imap_idle_timeout is deprecated, use imap.idle_timeout (it still works)");
    }

    @Test
    void theNewNameWorksAndIsWhatConfigShowPrints() {
        Config c = ConfigLoader.load(dir, null, Map.of("imap.idle_timeout", "3600"), 0);
        assertThat(c.limits().imapIdleTimeout().toSeconds()).isEqualTo(3600);
        assertThat(ConfigLoader.show(c)).contains("[imap]\nidle_timeout = 3600\n").doesNotContain("imap_idle_timeout");
    }

    @Test
    void anUnknownKeyIsAWarningWithTheNearestKnownKey() throws Exception {
        Files.writeString(dir.resolve("estafeta.toml"), """
                [smtp]
                relay_network = ["10.0.0.0/8"]
                [limits]
                recipients = 7
                """);
        Config c = ConfigLoader.load(dir, null, Map.of(), 0);
        assertThat(c.limits().recipients()).as("the rest of the file applies").isEqualTo(7);
        assertThat(ConfigLoader.check(dir, dir.resolve("estafeta.toml")))
                .containsExactly("warning: " + dir.resolve("estafeta.toml") + ": unknown key smtp.relay_network (did you mean smtp.relay_networks?)");
    }

    @Test
    void strictRefusesUnknownAndRenamedKeys() throws Exception {
        Files.writeString(dir.resolve("estafeta.toml"), """
                [limits]
                imap_idle_timeout = 2400
                """);
        assertThatThrownBy(() -> ConfigLoader.load(dir, null, Map.of("server.hostnme", "x"), 0, ConfigLoader.Strictness.STRICT))
                .hasMessageContaining("limits.imap_idle_timeout is deprecated, use imap.idle_timeout")
                .hasMessageContaining("--set server.hostnme: unknown key server.hostnme (did you mean server.hostname?)");
    }

    @Test
    void checkReportsEveryProblemNotOnlyTheFirst() throws Exception {
        Path toml = dir.resolve("other.toml");
        Files.writeString(toml, """
                [limits]
                recipients = "many"
                message_size = true
                colour = 3
                """);
        assertThat(ConfigLoader.check(dir, toml)).containsExactlyInAnyOrder(
                "error: " + toml + ": limits.recipients must be int",
                "error: " + toml + ": limits.message_size must be int",
                "warning: " + toml + ": unknown key limits.colour (did you mean " + ConfigKey.nearest("limits.colour").key + "?)");
        assertThatThrownBy(() -> ConfigLoader.load(dir, toml, Map.of(), 0)).as("a wrong value still refuses to start")
                .hasMessageContaining("limits.recipients must be int");
    }

    @Test
    void aBrokenFileIsOneErrorWithItsPosition() throws Exception {
        Path toml = dir.resolve("broken.toml");
        Files.writeString(toml, "[limits\nrecipients = 7\n");
        assertThat(ConfigLoader.check(dir, toml)).singleElement().asString().startsWith("error: " + toml + ": ").contains("line 1");
    }
}
