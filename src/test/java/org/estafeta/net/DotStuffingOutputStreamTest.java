package org.estafeta.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DotStuffingOutputStreamTest {

    private static String stuff(String content, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffingOutputStream s = new DotStuffingOutputStream(out);
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) s.write(b, i, Math.min(chunk, b.length - i));
        s.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 4096})
    void doublesLeadingDotsWhateverTheChunking(int chunk) throws IOException {
        assertThat(stuff(".a\r\nb.\r\n..c\r\n.\r\n", chunk)).isEqualTo("..a\r\nb.\r\n...c\r\n..\r\n.\r\n");
    }

    @Test
    void endsWithTheTerminatorOnItsOwnLine() throws IOException {
        assertThat(stuff("", 10)).isEqualTo(".\r\n");
        assertThat(stuff("x\r\n", 10)).isEqualTo("x\r\n.\r\n");
        assertThat(stuff("sin final", 10)).isEqualTo("sin final\r\n.\r\n");
    }

    /** Issue 10: SMTP smuggling toward the next hop. Stored bare CR or LF leaves as CRLF, and a dot after it is stuffed. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4096})
    void sendsOnlyCrlfLineEnds(int chunk) throws IOException {
        assertThat(stuff("hello\r.\r\nMAIL FROM:<ceo@bank.test>\r\n", chunk))
                .isEqualTo("hello\r\n..\r\nMAIL FROM:<ceo@bank.test>\r\n.\r\n");
        assertThat(stuff("a\n.\nb\r", chunk)).isEqualTo("a\r\n..\r\nb\r\n.\r\n");
    }
}
