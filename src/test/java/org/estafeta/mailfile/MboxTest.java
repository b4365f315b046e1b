package org.estafeta.mailfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.estafeta.store.Flag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mbox variants' framing and quoting, and where bad input is reported (files by Dovecot: ImportExportTest). */
class MboxTest {

    @TempDir
    Path dir;

    private List<Found> found;
    private List<Problem> problems;

    private void read(String mbox, MboxQuoting quoting) throws Exception {
        Path file = dir.resolve("mbox");
        Files.writeString(file, mbox, StandardCharsets.UTF_8);
        CollectingSink sink = CollectingSink.read(file, quoting);
        found = sink.found;
        problems = sink.problems;
    }

    private String text(int i) {
        return new String(found.get(i).content(), StandardCharsets.UTF_8);
    }

    @Test
    void mboxrdTakesOneQuoteOffEveryQuotedFromLine() throws Exception {
        String mbox = """
                From a@example.org Mon Nov 30 23:39:56 2026
                Subject: uno

                >From here
                >>From there
                > From not quoted
                >Fromage

                From b@example.org Tue Dec  1 00:00:00 2026
                Subject: dos

                fin
                """;
        read(mbox, MboxQuoting.MBOXRD);
        assertThat(problems).isEmpty();
        assertThat(text(0)).isEqualTo("Subject: uno\n\nFrom here\n>From there\n> From not quoted\n>Fromage\n");
        assertThat(text(1)).isEqualTo("Subject: dos\n\nfin\n");
        assertThat(found.get(0).date()).isEqualTo(LocalDateTime.of(2026, 11, 30, 23, 39, 56).atZone(ZoneId.systemDefault()).toInstant());
        assertThat(found.get(1).offset()).isEqualTo(mbox.indexOf("From b@"));
    }

    @Test
    void mboxoUnquotesOnlyTheSingleQuote() throws Exception {
        read("From a@example.org Mon Nov 30 23:39:56 2026\nSubject: uno\n\n>From here\n>>From there\n\n", MboxQuoting.MBOXO);
        assertThat(text(0)).isEqualTo("Subject: uno\n\nFrom here\n>>From there\n");
    }

    @Test
    void contentLengthFramesTheBodyAndMetadataBecomesFlags() throws Exception {
        // As Dovecot writes it: no quoting, Content-Length, its state in X-UID/Status/X-Status/X-Keywords.
        String mbox = """
                From MAILER-DAEMON  Mon Nov 30 23:39:56 2026
                Subject: uno
                X-UID: 1
                Status: RO
                X-Status: AF
                X-Keywords: $Label1 proyecto
                Content-Length: 23

                From the start
                >From x

                From MAILER-DAEMON  Mon Nov 30 23:39:57 2026
                Subject: dos
                Content-Length: 5

                stale length: read as quoted
                """;
        read(mbox, MboxQuoting.MBOXRD);
        assertThat(problems).isEmpty();
        assertThat(text(0)).isEqualTo("Subject: uno\n\nFrom the start\n>From x\n");
        // The first ends with its separator line, where the second's From line starts (found by MboxFuzzTest: it took that line too).
        assertThat(found.get(0).end()).isEqualTo(found.get(1).offset()).isEqualTo(mbox.indexOf("From MAILER-DAEMON  Mon Nov 30 23:39:57"));
        assertThat(found.get(0).flags()).isEqualTo(Flag.SEEN.bit() | Flag.ANSWERED.bit() | Flag.FLAGGED.bit());
        assertThat(found.get(0).keywords()).containsExactly("$Label1", "proyecto");
        assertThat(text(1)).isEqualTo("Subject: dos\n\nstale length: read as quoted\n");
    }

    @Test
    void badInputIsReportedWithItsOffsetAndTheRestIsRead() throws Exception {
        String garbage = "From x Mon Nov 30 23:39:56 2026\n\u0001\u0002 binary\n\n";
        String good = "From y Mon Nov 30 23:39:56 2026\nSubject: ok\n\nbody\n\n";
        String cut = "From z Mon Nov 30 23:39:56 2026\nSubject: cut\n\nhalf a li";
        read(garbage + good + cut, MboxQuoting.MBOXRD);
        assertThat(found).hasSize(1);
        assertThat(text(0)).isEqualTo("Subject: ok\n\nbody\n");
        assertThat(problems).extracting(Problem::offset).containsExactly(0L, (long) (garbage + good).length());
        assertThat(problems.get(0).reason()).isEqualTo("not a message: no header field after the From line");
        assertThat(problems.get(1).reason()).startsWith("truncated");
    }

    @Test
    void aFileThatIsNoMbox() throws Exception {
        read("Subject: a lone message\n\nbody\n", MboxQuoting.MBOXRD);
        assertThat(problems).extracting(Problem::toString).containsExactly(dir.resolve("mbox") + ": offset 0: not an mbox file: it does not begin with a \"From \" line");
    }
}
