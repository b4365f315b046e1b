package org.estafeta.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientTextTest {

    @Test
    void decodesUtf8AndFallsBackToLatin1() {
        assertThat(ClientText.decode("PASS contraseña".getBytes(StandardCharsets.UTF_8))).isEqualTo("PASS contraseña");
        assertThat(ClientText.decode("PASS contraseña".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("PASS contraseña");
    }

    @Test
    void printableKeepsRepliesAndLogsOnOneLine() {
        assertThat(ClientText.printable("a\r\nb\u00f1")).isEqualTo("a??b?");
        assertThat(ClientText.printable("x".repeat(300))).hasSize(256);
    }
}
