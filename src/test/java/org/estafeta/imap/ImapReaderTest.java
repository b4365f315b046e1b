package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IMAP tokenizer on its own: strings, literals (LITERAL+ and refused ones), sets, dates, names. */
class ImapReaderTest {

    /** Lines and literal bytes as a client would send them after the first line. */
    private static final class FakeSource implements ImapReader.Source {
        final Deque<byte[]> rest = new ArrayDeque<>();
        final List<String> events = new ArrayList<>();

        FakeSource then(String s) {
            rest.add(s.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        @Override
        public byte[] literal(long n, boolean sync, OutputStream sink) throws java.io.IOException {
            events.add(sync ? "+" : "nonsync");
            byte[] data = rest.pop();
            assertThat(data).hasSize((int) n);
            sink.write(data);
            return rest.pop();
        }

        @Override
        public void skip(long n) {
            events.add("skip " + n);
            rest.pop();
        }

        @Override
        public byte[] nextLine() {
            return rest.pop();
        }
    }

    private static ImapReader reader(String line, FakeSource source) {
        return new ImapReader(line.getBytes(StandardCharsets.UTF_8), source, 1000, 2500);
    }

    @Test
    void literalsOfOneCommandShareOneBudget() throws Exception {
        // Each under the per-literal limit (1000), together over the command's budget (2500).
        FakeSource src = new FakeSource().then("a".repeat(900)).then(" {900}").then("b".repeat(900)).then(" {900+}")
                .then("c".repeat(900)).then(" {5+}").then("ddddd").then("");
        ImapReader r = reader("{900}", src);
        assertThat(r.string()).hasSize(900);
        r.sp();
        assertThat(r.string()).hasSize(900);
        r.sp();
        assertThatThrownBy(r::string).isInstanceOf(ImapException.No.class).hasMessageContaining("limit is 700");
        r.discardRest();
        assertThat(src.events).containsExactly("+", "+", "skip 900", "skip 5");
        assertThat(src.rest).isEmpty();
    }

    @Test
    void tildeStartsALiteralOnlyBeforeABrace() throws Exception {
        assertThat(reader("~foo", new FakeSource()).astring()).isEqualTo("~foo");
        assertThat(reader("~foo%", new FakeSource()).listMailbox()).isEqualTo("~foo%");
        FakeSource src = new FakeSource().then("xyz").then("");
        assertThat(reader("~{3}", src).astring()).isEqualTo("xyz");
    }

    @Test
    void monthNamesInAnyCase() throws Exception {
        assertThat(reader("24-mar-2007", new FakeSource()).date().toString()).isEqualTo("2007-03-24");
        assertThat(reader("\"24-MAR-2007 10:00:00 +0000\"", new FakeSource()).dateTime().toString()).isEqualTo("2007-03-24T10:00Z");
    }

    @Test
    void quotedAtomsAndLiterals() throws Exception {
        FakeSource src = new FakeSource().then("contraseña").then(" tail");
        ImapReader r = reader("a1 LOGIN \"usu\\\"ario\" {11}", src);
        assertThat(r.tag()).isEqualTo("a1");
        r.sp();
        assertThat(r.verb()).isEqualTo("LOGIN");
        r.sp();
        assertThat(r.astring()).isEqualTo("usu\"ario");
        r.sp();
        assertThat(r.astring()).isEqualTo("contraseña");
        assertThat(src.events).containsExactly("+");
        r.sp();
        assertThat(r.atom()).isEqualTo("tail");
        r.end();
    }

    @Test
    void literalPlusIsNotInvited() throws Exception {
        FakeSource src = new FakeSource().then("abc").then("");
        ImapReader r = reader("{3+}", src);
        assertThat(r.string()).isEqualTo("abc");
        assertThat(src.events).containsExactly("nonsync");
        r.end();
    }

    @Test
    void tooBigLiteralIsRefusedBeforeItIsSent() {
        FakeSource src = new FakeSource();
        ImapReader r = reader("{5000}", src);
        assertThatThrownBy(() -> r.literal(OutputStream.nullOutputStream(), 100))
                .isInstanceOf(ImapException.No.class).hasMessageContaining("limit is 100");
        assertThat(src.events).isEmpty();
    }

    @Test
    void tooBigNonSyncLiteralIsSkippedAndTheRestDiscarded() throws Exception {
        FakeSource src = new FakeSource().then("x".repeat(5000)).then(" more {2+}").then("zz").then("");
        ImapReader r = reader("{5000+}", src);
        assertThatThrownBy(() -> r.literal(new ByteArrayOutputStream(), 100)).isInstanceOf(ImapException.No.class);
        r.discardRest();
        assertThat(src.events).containsExactly("skip 5000", "skip 2");
        assertThat(src.rest).isEmpty();
    }

    @Test
    void sequenceSets() throws Exception {
        ImapReader r = reader("1:3,7,9:*", new FakeSource());
        SequenceSet s = r.sequenceSet();
        assertThat(s.contains(2, 20)).isTrue();
        assertThat(s.contains(8, 20)).isFalse();
        assertThat(s.contains(20, 20)).isTrue();
        assertThat(SequenceSet.format(List.of(1L, 2L, 3L, 7L, 9L, 10L))).isEqualTo("1:3,7,9:10");
        assertThatThrownBy(() -> reader("0:3", new FakeSource()).sequenceSet()).isInstanceOf(ImapException.Bad.class);
        assertThatThrownBy(() -> reader("1,,2", new FakeSource()).sequenceSet()).isInstanceOf(ImapException.Bad.class);
        assertThatThrownBy(() -> reader("x", new FakeSource()).sequenceSet()).isInstanceOf(ImapException.Bad.class);
    }

    @Test
    void datesAndFlags() throws Exception {
        assertThat(reader("\" 7-Feb-1994 21:52:25 -0800\"", new FakeSource()).dateTime().toString()).isEqualTo("1994-02-07T21:52:25-08:00");
        assertThat(reader("1-Feb-1994", new FakeSource()).date().toString()).isEqualTo("1994-02-01");
        assertThatThrownBy(() -> reader("30-Feb-1994", new FakeSource()).date()).isInstanceOf(ImapException.Bad.class);
        assertThat(reader("(\\Seen $Label \\Deleted)", new FakeSource()).flagList(false)).containsExactly("\\Seen", "$Label", "\\Deleted");
        assertThat(reader("\\Seen \\Draft", new FakeSource()).flagList(true)).containsExactly("\\Seen", "\\Draft");
    }

    @Test
    void modifiedUtf7AndPatterns() {
        assertThat(MailboxName.encodeUtf7("España & más")).isEqualTo("Espa&APE-a &- m&AOE-s");
        assertThat(MailboxName.decodeUtf7("Espa&APE-a &- m&AOE-s")).isEqualTo("España & más");
        assertThat(MailboxName.decodeUtf7("&Jjo!")).isNull();
        assertThat(MailboxName.encodeUtf7("日本語")).isEqualTo("&ZeVnLIqe-");
        assertThat(MailboxName.matches("Work/%", "Work/a")).isTrue();
        assertThat(MailboxName.matches("Work/%", "Work/a/b")).isFalse();
        assertThat(MailboxName.matches("Work*", "Work/a/b")).isTrue();
        assertThat(MailboxName.normalize("inbox/Sub")).isEqualTo("INBOX/Sub");
    }
}
