package org.estafeta.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.estafeta.store.MessageStructure;
import org.junit.jupiter.api.Test;

/** Part offsets and nesting of the MIME scan (imap.ImapStructureTest: what IMAP writes of it). */
public class MimeParserTest {

    public static final String NESTED = "Subject: outer\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n"
            + "--a\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
            + "--a\r\nContent-Type: message/rfc822\r\n\r\n"
            + "Subject: inner\r\nFrom: Ana <ana@example.org>\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n"
            + "\r\n--a--\r\nepilogue\r\n";

    private static String slice(byte[] bytes, long from, long to) {
        return new String(bytes, (int) from, (int) (to - from), StandardCharsets.UTF_8);
    }

    /** Found by MimeFuzzTest: a bare CR in Content-Type made Mime4j throw, so the message had no structure. */
    @Test
    void bareCrInAHeaderValueIsDropped() throws Exception {
        byte[] bytes = "Content-Type: text/plain;\r charset=utf-8\r\nContent-Disposition: attachment;\r filename=a\r\n\r\nhola\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        MimePart root = MimeParser.parse(new ByteArrayInputStream(bytes));
        assertThat(root.type() + "/" + root.subtype()).isEqualTo("text/plain");
        assertThat(root.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(Structures.of(root).body().disposition())
                .isEqualTo(new MessageStructure.Disposition("attachment", List.of(new MessageStructure.Param("filename", "a"))));
    }

    @Test
    void nestedOffsets() throws Exception {
        byte[] bytes = NESTED.getBytes(StandardCharsets.UTF_8);
        MimePart root = MimeParser.parse(new ByteArrayInputStream(bytes));
        assertThat(root.children()).hasSize(2);
        MimePart first = root.part(List.of(1));
        assertThat(slice(bytes, first.bodyStart(), first.end())).isEqualTo("first");
        MimePart message = root.part(List.of(2));
        assertThat(message.isMessage()).isTrue();
        assertThat(message.message().headers().get("Subject")).isEqualTo("inner");
        assertThat(slice(bytes, root.part(List.of(2, 1)).bodyStart(), root.part(List.of(2, 1)).end())).isEqualTo("plain");
        MimePart html = root.part(List.of(2, 2));
        assertThat(slice(bytes, html.bodyStart(), html.end())).isEqualTo("<p>html</p>");
        assertThat(slice(bytes, html.headerStart(), html.bodyStart())).isEqualTo("Content-Type: text/html\r\n\r\n");
        assertThat(root.part(List.of(3))).isNull();
        assertThat(root.part(List.of(2, 3))).isNull();
    }

    @Test
    void singlePartMessageIsItsOwnPartOne() throws Exception {
        byte[] bytes = "Subject: x\n\nline one\nline two\n".getBytes(StandardCharsets.UTF_8);
        MimePart root = MimeParser.parse(new ByteArrayInputStream(bytes));
        assertThat(root.part(List.of(1))).isSameAs(root);
        assertThat(slice(bytes, root.bodyStart(), root.end())).isEqualTo("line one\nline two\n");
    }
}
