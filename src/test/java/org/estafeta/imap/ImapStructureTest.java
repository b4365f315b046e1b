package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.estafeta.mime.Headers;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.mime.Structures;
import org.junit.jupiter.api.Test;

/** ENVELOPE, BODY and BODYSTRUCTURE as written from the typed structure the mime package computes. */
class ImapStructureTest {

    private static final String NESTED = org.estafeta.mime.MimeParserTest.NESTED;

    @Test
    void bodyStructureOfNestedMessage() throws Exception {
        MimePart root = MimeParser.parse(new ByteArrayInputStream(NESTED.getBytes(StandardCharsets.UTF_8)));
        String bs = ImapStructure.body(Structures.part(root), false);
        assertThat(bs).startsWith("((\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" ");
        assertThat(bs).contains("(\"Ana\" NIL \"ana\" \"example.org\")").endsWith(" \"mixed\")");
        assertThat(ImapStructure.envelope(Structures.envelope(root.headers()), true)).isEqualTo("(NIL \"outer\" NIL NIL NIL NIL NIL NIL NIL NIL)");
    }

    @Test
    void singlePartMessageHasDefaultTypeAndLines() throws Exception {
        byte[] bytes = "Subject: x\n\nline one\nline two\n".getBytes(StandardCharsets.UTF_8);
        MimePart root = MimeParser.parse(new ByteArrayInputStream(bytes));
        assertThat(ImapStructure.body(Structures.part(root), false)).isEqualTo("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 18 2)");
    }

    @Test
    void groupsAndEncodedNamesInEnvelope() {
        Headers h = new Headers(("From: =?UTF-8?Q?Jos=C3=A9?= <jose@example.org>\r\nTo: equipo: a@x.org, b@y.org;\r\n"
                + "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        String env = ImapStructure.envelope(Structures.envelope(h), true);
        assertThat(env).contains("\"=?UTF-8?Q?caf=C3=A9?=\"");
        assertThat(env).contains("((NIL NIL \"equipo\" NIL)(NIL NIL \"a\" \"x.org\")(NIL NIL \"b\" \"y.org\")(NIL NIL NIL NIL))");
        assertThat(env).contains("\"jose\" \"example.org\")");
    }

    /** RFC 822's "address (Name)" form: the comment is the personal name, whatever the address's case. */
    @Test
    void aCommentAfterTheAddressIsItsName() {
        Headers h = new Headers(("From: Jose@Example.ORG (Jos\u00e9 P.)\r\nTo: a@x.org (), b@y.org ((nested)), c@z.org\r\n"
                + "Cc: d@w.org\t (Dee)\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        String env = ImapStructure.envelope(Structures.envelope(h), true);
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
        String bodyStructure = ImapStructure.body(Structures.of(MimeParser.parse(new ByteArrayInputStream(bytes), MimeParser.DEFAULT_MAX_PARTS)).body(), true);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(root.children()).hasSize(MimeParser.DEFAULT_MAX_PARTS - 1);
        assertThat(root.end()).as("the message is whole").isEqualTo(bytes.length);
        assertThat(bodyStructure.length()).isLessThan(2_000_000);
        assertThat(allocated).as("bytes allocated by two parses").isLessThan(400L * 1024 * 1024);
    }
}
