package org.estafeta.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Part offsets, nesting and the IMAP renderings of the MIME scan. */
class MimeParserTest {

    static final String NESTED = "Subject: outer\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n"
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
        assertThat(ImapStructure.of(root).bodyStructure()).contains("(\"attachment\" (\"filename\" \"a\"))");
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
    void bodyStructureOfNestedMessage() throws Exception {
        MimePart root = MimeParser.parse(new ByteArrayInputStream(NESTED.getBytes(StandardCharsets.UTF_8)));
        String bs = ImapStructure.body(root, false);
        assertThat(bs).startsWith("((\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" ");
        assertThat(bs).contains("(\"Ana\" NIL \"ana\" \"example.org\")").endsWith(" \"mixed\")");
        assertThat(ImapStructure.envelope(root.headers())).isEqualTo("(NIL \"outer\" NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    @Test
    void singlePartMessageIsItsOwnPartOne() throws Exception {
        byte[] bytes = "Subject: x\n\nline one\nline two\n".getBytes(StandardCharsets.UTF_8);
        MimePart root = MimeParser.parse(new ByteArrayInputStream(bytes));
        assertThat(root.part(List.of(1))).isSameAs(root);
        assertThat(slice(bytes, root.bodyStart(), root.end())).isEqualTo("line one\nline two\n");
        assertThat(ImapStructure.body(root, false)).isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 18 2)");
    }

    @Test
    void groupsAndEncodedNamesInEnvelope() {
        Headers h = new Headers(("From: =?UTF-8?Q?Jos=C3=A9?= <jose@example.org>\r\nTo: equipo: a@x.org, b@y.org;\r\n"
                + "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        String env = ImapStructure.envelope(h);
        assertThat(env).contains("\"=?UTF-8?Q?caf=C3=A9?=\"");
        assertThat(env).contains("((NIL NIL \"equipo\" NIL)(NIL NIL \"a\" \"x.org\")(NIL NIL \"b\" \"y.org\")(NIL NIL NIL NIL))");
        assertThat(env).contains("\"jose\" \"example.org\")");
    }

    /** RFC 822's "address (Name)" form: the comment is the personal name, whatever the address's case. */
    @Test
    void aCommentAfterTheAddressIsItsName() {
        Headers h = new Headers(("From: Jose@Example.ORG (Jos\u00e9 P.)\r\nTo: a@x.org (), b@y.org ((nested)), c@z.org\r\n"
                + "Cc: d@w.org\t (Dee)\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        String env = ImapStructure.envelope(h);
        assertThat(env).contains("(({8}\r\nJos\u00e9 P. NIL \"Jose\" \"Example.ORG\"))");
        assertThat(env).contains("((NIL NIL \"a\" \"x.org\")(NIL NIL \"b\" \"y.org\")(NIL NIL \"c\" \"z.org\"))");
        assertThat(env).contains("((\"Dee\" NIL \"d\" \"w.org\"))");
    }

    /**
     * 200,000 empty parts in one 11 MB message: the tree stops at MimeParser.DEFAULT_MAX_PARTS, so BODYSTRUCTURE
     * stays about a megabyte and the parse allocates a bounded amount (it was 14 MB and 1.4 GB).
     */
    @Test
    void partsBeyondTheCapAreOpaque() throws Exception {
        StringBuilder sb = new StringBuilder(12_000_000).append("Subject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 200_000; i++) sb.append("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n");
        byte[] bytes = sb.append("--b--\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        MimePart root = MimeParser.parse(new ByteArrayInputStream(bytes));
        String bodyStructure = ImapStructure.of(new ByteArrayInputStream(bytes), MimeParser.DEFAULT_MAX_PARTS).bodyStructure();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(root.children()).hasSize(MimeParser.DEFAULT_MAX_PARTS - 1);
        assertThat(root.end()).as("the message is whole").isEqualTo(bytes.length);
        assertThat(bodyStructure.length()).isLessThan(2_000_000);
        assertThat(allocated).as("bytes allocated by two parses").isLessThan(400L * 1024 * 1024);
    }
}
