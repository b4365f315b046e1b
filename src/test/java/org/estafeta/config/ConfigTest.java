package org.estafeta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsUsePortOffsetAndLoopbackRelay() throws Exception {
        Config c = ConfigLoader.load(dir, null, Map.of(), ConfigLoader.DEFAULT_PORT_OFFSET);
        assertThat(c.ports().smtp()).isEqualTo(3025);
        assertThat(c.ports().smtps()).isEqualTo(3465);
        assertThat(c.smtp().relayNetworks()).anyMatch(n -> n.contains(loopback("127.0.0.1")));
        assertThat(c.smtp().relayNetworks()).anyMatch(n -> n.contains(loopback("::1")));
        assertThat(c.smtp().relayNetworks()).noneMatch(n -> n.contains(loopback("10.0.0.1")));
        assertThat(c.server().domains()).contains("localhost");
    }

    @Test
    void tomlThenOverrides() throws Exception {
        Files.writeString(dir.resolve("estafeta.toml"), """
                [server]
                hostname = "Mail.Example.ORG"
                domains = ["example.org"]
                [ports]
                smtp = 2525
                [limits]
                message_size = 1000000
                """);
        Config c = ConfigLoader.load(dir, null, Map.of("limits.recipients", "7", "smtp.relay_networks", ""), 3000);
        assertThat(c.server().hostname()).isEqualTo("mail.example.org");
        assertThat(c.server().domains()).containsExactly("example.org");
        assertThat(c.ports().smtp()).isEqualTo(2525);
        assertThat(c.ports().smtps()).isEqualTo(3465);
        assertThat(c.limits().messageSize()).isEqualTo(1_000_000);
        assertThat(c.limits().recipients()).isEqualTo(7);
        assertThat(c.smtp().relayNetworks()).isEmpty();
        assertThat(ConfigLoader.show(c)).contains("hostname = \"mail.example.org\"", "recipients = 7", "relay_networks = []");
    }

    @Test
    void badValuesAreClearErrors() {
        assertThatThrownBy(() -> ConfigLoader.load(dir, null, Map.of("limits.nope", "1"), 0, ConfigLoader.Strictness.STRICT))
                .hasMessageStartingWith("--set limits.nope: unknown key limits.nope (did you mean limits.");
        assertThatThrownBy(() -> ConfigLoader.load(dir, null, Map.of("limits.recipients", "many"), 0))
                .hasMessage("limits.recipients must be an integer, was 'many'");
        assertThatThrownBy(() -> ConfigLoader.load(dir, null, Map.of("limits.line_length", "100"), 0))
                .hasMessageContaining("at least 512");
        assertThatThrownBy(() -> ConfigLoader.load(dir, null, Map.of("smtp.relay_networks", "example.org/8"), 0))
                .hasMessageContaining("not an IP network");
    }

    /** tomlj throws, rather than reports, a bad escape in a quoted table name (found by fuzzing): still one error line. */
    @Test
    void aBadEscapeInATableNameIsAnErrorLine() throws Exception {
        Files.writeString(dir.resolve("estafeta.toml"), "[\"example.org=smtp:[10.0.0\\E]\"]\n");
        assertThatThrownBy(() -> ConfigLoader.load(dir, null, Map.of(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("estafeta.toml: Invalid escape sequence '\\E' (line 1, column");
        // The escaped character quoted in the message is a CR: shown as \r, so the line stays one line.
        Files.writeString(dir.resolve("estafeta.toml"), "[\"\\\r");
        assertThatThrownBy(() -> ConfigLoader.load(dir, null, Map.of(), 0))
                .hasMessageContaining("Invalid escape sequence '\\\\r'").hasMessageNotContaining("\r");
    }

    @Test
    void cidrMatching() throws Exception {
        Cidr net = Cidr.parse("192.168.1.0/24");
        assertThat(net.contains(InetAddress.getByName("192.168.1.77"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("192.168.2.1"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/9").contains(InetAddress.getByName("10.127.255.255"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/9").contains(InetAddress.getByName("10.128.0.0"))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::1"))).isFalse();
    }

    /** docs/config.md documents every key, with the same text as the code. */
    @Test
    void everyKeyIsDocumented() throws Exception {
        String docs = Files.readString(Path.of("docs/config.md"));
        assertThat(docs).as("docs/config.md must contain the table ConfigKey.markdownTable() makes").contains(ConfigKey.markdownTable());
    }

    private static InetAddress loopback(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
