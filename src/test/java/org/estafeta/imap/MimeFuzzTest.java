package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.config.ConfigKey;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.mime.Structures;
import org.estafeta.store.MessageStructure;

/**
 * Any bytes as a stored message: the MIME tree's offsets nest inside the message and each other, and
 * ENVELOPE, BODY and BODYSTRUCTURE written from its typed structure (UTF-8 and downgraded) are well-formed IMAP (balanced lists, quoted strings without line
 * ends, literals whose counts are right) of the shape RFC 9051 §7.5.2 gives them, because a client
 * that cannot parse them loses the whole mailbox. No exception may escape: the input is in memory.
 */
class MimeFuzzTest {

    /** The parser's cap as the server runs it: limits.mime_parts at its default. */
    private static final int MAX_PARTS = Math.toIntExact((Long) ConfigKey.LIMITS_MIME_PARTS.defaultValue);

    @FuzzTest
    void structureAndEnvelope(byte[] message) throws IOException {
        MimePart root = MimeParser.parse(new ByteArrayInputStream(message), MAX_PARTS);
        checkOffsets(root, 0, message.length);
        MessageStructure structure = Structures.of(root);

        List<?> envelope = single(ImapStructure.envelope(structure.envelope(), true));
        checkEnvelope(envelope);
        checkEnvelope(single(ImapStructure.envelope(structure.envelope(), false)));
        checkBody(single(ImapStructure.body(structure.body(), false)), false);
        checkBody(single(ImapStructure.body(structure.body(), true)), true);
        assertThat(MimeParser.parseHeader(new ByteArrayInputStream(message)).bodyStart()).isEqualTo(root.bodyStart());
    }

    private static void checkOffsets(MimePart p, long from, long to) {
        assertThat(p.headerStart()).isBetween(from, to);
        assertThat(p.bodyStart()).isBetween(p.headerStart(), to);
        assertThat(p.end()).isBetween(p.bodyStart(), to);
        long previousEnd = p.bodyStart();
        for (MimePart child : p.children()) {
            checkOffsets(child, previousEnd, p.end());
            previousEnd = child.end();
        }
        if (p.isMessage()) checkOffsets(p.message(), p.bodyStart(), p.end());
    }

    /** ENVELOPE: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id. */
    private static void checkEnvelope(List<?> envelope) {
        assertThat(envelope).hasSize(10);
        for (int i : new int[] {0, 1, 8, 9}) assertThat(envelope.get(i)).isInstanceOfAny(String.class, Nil.class);
        for (int i = 2; i <= 7; i++) {
            Object list = envelope.get(i);
            if (list instanceof Nil) continue;
            assertThat(list).isInstanceOf(List.class);
            assertThat((List<?>) list).isNotEmpty();
            for (Object address : (List<?>) list) {
                assertThat(address).isInstanceOf(List.class);
                assertThat((List<?>) address).hasSize(4).allMatch(x -> x instanceof String || x instanceof Nil);
            }
        }
    }

    /** body-type-1part (type, subtype, params, id, description, encoding, size ...) or body-type-mpart. */
    private static void checkBody(List<?> body, boolean extended) {
        assertThat(body).isNotEmpty();
        if (body.getFirst() instanceof List) {
            int parts = 0;
            while (parts < body.size() && body.get(parts) instanceof List<?> child) {
                checkBody(child, extended);
                parts++;
            }
            assertThat(body.get(parts)).as("multipart subtype").isInstanceOf(String.class);
            assertThat(body.size() - parts - 1).isEqualTo(extended ? 4 : 0);
            return;
        }
        assertThat(body.size()).isGreaterThanOrEqualTo(7);
        assertThat(body.get(0)).isInstanceOf(String.class);
        assertThat(body.get(1)).isInstanceOf(String.class);
        assertThat(body.get(2)).isInstanceOfAny(List.class, Nil.class);
        assertThat(body.get(5)).isInstanceOf(String.class);
        assertThat(body.get(6)).isInstanceOf(Number.class);
        String type = ((String) body.get(0)).toLowerCase(java.util.Locale.ROOT);
        String subtype = ((String) body.get(1)).toLowerCase(java.util.Locale.ROOT);
        int basic = 7;
        // A message/rfc822 nested deeper than the parser goes is an opaque part without ENVELOPE.
        if (type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global")) && body.size() > 7 && body.get(7) instanceof List) {
            checkEnvelope((List<?>) body.get(7));
            checkBody((List<?>) body.get(8), extended);
            assertThat(body.get(9)).isInstanceOf(Number.class);
            basic = 10;
        } else if (type.equals("text")) {
            assertThat(body.get(7)).isInstanceOf(Number.class);
            basic = 8;
        }
        // Extension data is optional (RFC 9051 §9 body-ext-1part): the part standing in for an empty multipart has none.
        if (extended) assertThat(body.size()).isIn(basic, basic + 4);
        else assertThat(body.size()).isEqualTo(basic);
    }

    // --- a strict reader of IMAP response syntax ---

    private record Nil() {
    }

    /** The one parenthesised list that {@code text} must be, with nothing before or after it. */
    private static List<?> single(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] pos = {0};
        Object value = value(b, pos);
        assertThat(pos[0]).as("text after the list in %s", text).isEqualTo(b.length);
        assertThat(value).as(text).isInstanceOf(List.class);
        return (List<?>) value;
    }

    private static Object value(byte[] b, int[] pos) {
        that(pos[0] < b.length, "unexpected end");
        byte c = b[pos[0]];
        if (c == '(') {
            pos[0]++;
            List<Object> list = new ArrayList<>();
            while (true) {
                that(pos[0] < b.length, "unclosed list");
                if (b[pos[0]] == ')') {
                    pos[0]++;
                    return list;
                }
                // Items are separated by a space, except the parts of a multipart body (RFC 9051 §9: 1*body SP subtype).
                boolean nextPart = !list.isEmpty() && list.getLast() instanceof List && b[pos[0]] == '(';
                if (!list.isEmpty() && !nextPart) {
                    that(b[pos[0]] == ' ', "space between items at %d", pos[0]);
                    pos[0]++;
                }
                list.add(value(b, pos));
            }
        }
        if (c == '"') {
            StringBuilder s = new StringBuilder();
            int i = pos[0] + 1;
            while (true) {
                that(i < b.length, "unclosed quoted string");
                byte q = b[i++];
                if (q == '"') break;
                if (q == '\\') {
                    that(i < b.length, "backslash at the end");
                    q = b[i++];
                    that(q == '"' || q == '\\', "quoted-special after backslash at %d", i);
                }
                that(q >= 0x20 && q < 0x7f, "character %d in a quoted string", q);
                s.append((char) q);
            }
            pos[0] = i;
            return s.toString();
        }
        if (c == '{') {
            int close = pos[0] + 1;
            while (close < b.length && b[close] >= '0' && b[close] <= '9') close++;
            that(close > pos[0] + 1, "literal count");
            int n = Integer.parseInt(new String(b, pos[0] + 1, close - pos[0] - 1, StandardCharsets.US_ASCII));
            that(close + 3 + n <= b.length, "literal longer than the text");
            that(new String(b, close, 3, StandardCharsets.US_ASCII).equals("}\r\n"), "literal count not followed by CRLF");
            pos[0] = close + 3 + n;
            return new String(b, close + 3, n, StandardCharsets.UTF_8);
        }
        int start = pos[0];
        while (pos[0] < b.length && b[pos[0]] != ' ' && b[pos[0]] != ')') pos[0]++;
        String atom = new String(b, start, pos[0] - start, StandardCharsets.US_ASCII);
        if (atom.equals("NIL")) return new Nil();
        that(!atom.isEmpty() && atom.chars().allMatch(d -> d >= '0' && d <= '9'), "a number, not \"%s\"", atom);
        return Long.parseLong(atom);
    }
}
