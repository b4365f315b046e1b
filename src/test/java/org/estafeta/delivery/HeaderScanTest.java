package org.estafeta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5322 §2.2: where the header section of an arriving message ends, whatever the chunking. */
class HeaderScanTest {

    private static final int LIMIT = 256 * 1024;

    private static HeaderScan scan(String content, int chunk) {
        HeaderScan s = new HeaderScan(LIMIT);
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) s.feed(b, i, Math.min(chunk, b.length - i));
        s.close();
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096})
    void endsAtTheEmptyLine(int chunk) {
        HeaderScan s = scan("Subject: a\r\n\tfolded\r\nFrom: b@c\r\n\r\nbody: not a field\r\n", chunk);
        assertThat(s.end()).isEqualTo("Subject: a\r\n\tfolded\r\nFrom: b@c\r\n".length());
        assertThat(s.hasEmptyLine()).isTrue();
        assertThat(s.headers().get("From")).isEqualTo("b@c");
        assertThat(s.headers().get("Subject")).isEqualTo("a\tfolded");
    }

    /** Issue 16: the guide's message has no empty line; its body starts at the first line that is not a field. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4096})
    void endsAtTheFirstLineThatIsNotAField(int chunk) {
        HeaderScan s = scan("subject: asunto\r\nCuerpo del mensaje\r\nmore: text\r\n", chunk);
        assertThat(s.end()).isEqualTo("subject: asunto\r\n".length());
        assertThat(s.hasEmptyLine()).isFalse();
        assertThat(scan("Subject x\r\n", chunk).end()).as("no colon: body from the first line").isZero();
        assertThat(scan(" folded first\r\n", chunk).end()).as("a continuation needs a field before it").isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096})
    void aMessageThatIsAllHeaderEndsAtItsEnd(int chunk) {
        assertThat(scan("Subject: only\r\n", chunk).end()).isEqualTo(15);
        assertThat(scan("Subject: no line end", chunk).end()).isEqualTo(20);
        assertThat(scan("", chunk).end()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {4096})
    void aHugeHeaderIsLeftAlone(int chunk) {
        assertThat(scan("X-Long: " + "a".repeat(LIMIT) + "\r\n\r\nbody\r\n", chunk).end()).isEqualTo(-1);
    }
}
