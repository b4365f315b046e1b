package org.estafeta.mailfile;

import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Any file given to {@code estafeta import} as an mbox: reading it never throws, every message found
 * lies within the file after the one before it, is no longer than its bytes there, and has none of the
 * writers' state fields left in its header; every problem names an offset within the file. (A crash
 * here would stop an import of someone's whole archive at a bad message.)
 */
class MboxFuzzTest {

    private static final Path FILE;

    static {
        try {
            Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
            FILE = Files.createTempFile(dir, "mbox-fuzz", ".mbox");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void read(FuzzedDataProvider data) throws IOException {
        MboxQuoting quoting = data.pickValue(MboxQuoting.values());
        byte[] file = data.consumeRemainingAsBytes();
        Files.write(FILE, file);
        CollectingSink read = CollectingSink.read(FILE, quoting);
        long previousEnd = 0;
        for (Found m : read.found) {
            that(m.offset() >= previousEnd && m.offset() < m.end() && m.end() <= file.length, "message at %d..%d after %d in %d octets",
                    m.offset(), m.end(), previousEnd, file.length);
            that(m.content().length <= m.end() - m.offset(), "content of %d octets from %d", m.content().length, m.end() - m.offset());
            noStateFields(m.content());
            previousEnd = m.end();
        }
        for (Problem p : read.problems) that(p.offset() >= 0 && p.offset() <= file.length, "problem at %d", p.offset());
    }

    /** The header section (up to the first empty line) has no X-UID, Status, Content-Length and the like. */
    private static void noStateFields(byte[] content) {
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i < content.length && content[i] != '\n') continue;
            int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
            if (end == start) return;
            String line = new String(content, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
            String name = Mbox.fieldName(line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            if (name != null) {
                that(!List.of("x-imap", "x-imapbase", "x-uid", "x-keywords", "status", "x-status", "content-length")
                        .contains(name.toLowerCase(Locale.ROOT)), "state field %s left in the message", name);
            }
            start = i + 1;
        }
    }
}
