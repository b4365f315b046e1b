package org.estafeta.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Any bytes as estafeta.toml: loading either gives a valid Config or fails with the one exception the
 * CLI turns into one clear line ({@link IllegalArgumentException} with a message on one line, which
 * says "UTF-8" when the file is not); and what {@code config show} prints for a loaded Config loads
 * again to the same Config (a fixed point).
 */
class ConfigFuzzTest {

    /** The data directory (only named in the Config: the loader reads no file here). */
    private static final Path DIR = Path.of("/nonexistent/config-fuzz");
    private static final String SOURCE = "estafeta.toml";
    /** A set host name: else each load asks the resolver for this machine's name, which is most of the time. */
    private static final Map<String, String> HOST = Map.of("server.hostname", "fuzz.test");

    /** Unknown keys are logged as warnings at every load: the log would be all the run does. */
    private static final ch.qos.logback.classic.Level LOG_LEVEL_BEFORE = org.estafeta.testing.QuietLogs.off();

    @AfterAll
    static void restoreLogging() {
        org.estafeta.testing.QuietLogs.restore(LOG_LEVEL_BEFORE);
    }

    @FuzzTest
    void load(byte[] toml) {
        Config config;
        try {
            config = ConfigLoader.load(DIR, SOURCE, toml, HOST, 0);
        } catch (IllegalArgumentException e) {
            // The CLI prints it on one line (Main); a file that is not UTF-8 is told so, not "Input length = 1".
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
            if (!isUtf8(toml)) assertThat(e.getMessage()).contains("not UTF-8");
            return;
        }
        String shown = ConfigLoader.show(config);
        Config again = ConfigLoader.load(DIR, SOURCE, shown.getBytes(StandardCharsets.UTF_8), HOST, 0);
        assertThat(ConfigLoader.show(again)).isEqualTo(shown);
    }

    private static boolean isUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
