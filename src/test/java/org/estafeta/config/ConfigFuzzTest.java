package org.estafeta.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Any text as estafeta.toml: loading either gives a valid Config or fails with the one exception the
 * CLI turns into one clear line ({@link IllegalArgumentException}, its message on one line); and what
 * {@code config show} prints for a loaded Config loads again to the same Config (a fixed point).
 */
class ConfigFuzzTest {

    private static final Path DIR;
    private static final Path FILE;
    /** A set host name: else each load asks the resolver for this machine's name, which is most of the time. */
    private static final Map<String, String> HOST = Map.of("server.hostname", "fuzz.test");

    static {
        try {
            DIR = Files.createTempDirectory("config-fuzz");
            FILE = DIR.resolve("estafeta.toml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void load(byte[] toml) throws IOException {
        Files.write(FILE, toml);
        Config config;
        try {
            config = ConfigLoader.load(DIR, FILE, HOST, 0);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
            return;
        }
        String shown = ConfigLoader.show(config);
        Files.writeString(FILE, shown);
        Config again = ConfigLoader.load(DIR, FILE, HOST, 0);
        assertThat(ConfigLoader.show(again)).isEqualTo(shown);
    }
}
