package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.estafeta.app.Storage;
import org.estafeta.config.ConfigLoader;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.Doveadm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code estafeta import} and {@code export} against files that real Dovecot wrote ({@code doveadm}
 * on a temp mail location): a 10,000-message mbox, a Maildir++ tree with subfolders, flags and
 * keywords, bad input beside good, a second run that skips everything, and export → import identical.
 */
class ImportExportTest {

    private static final String USER = "ana@example.com";
    private static final String OTHER = "beto@example.com";

    @TempDir
    Path data;
    @TempDir
    Path work;

    /** What a message must be once imported: its content with CRLF line ends, flags and keywords. */
    private record Expected(int flags, Set<String> keywords) {
    }

    @BeforeEach
    void accounts() throws IOException {
        Doveadm.worldWritable(work);
        assertThat(CliRun.run(data, "", "domain", "add", "example.com").code()).isZero();
        assertThat(CliRun.run(data, "contraseña1\n", "user", "add", USER, "--password-stdin").code()).isZero();
        assertThat(CliRun.run(data, "contraseña1\n", "user", "add", OTHER, "--password-stdin").code()).isZero();
    }

    @Test
    void tenThousandMessageMboxWrittenByDovecot() throws Exception {
        // The messages start as a Maildir (flags in the names), which Dovecot turns into an mbox file.
        Path source = work.resolve("source");
        Map<String, Expected> expected = new HashMap<>();
        maildir(source);
        Files.writeString(source.resolve("dovecot-keywords"), "0 $Label1\n1 proyecto\n");
        for (int i = 0; i < 10_000; i++) {
            byte[] content = message(i);
            String letters = (i % 7 == 0 ? "F" : "") + (i % 11 == 0 ? "R" : "") + (i % 5 == 0 ? "S" : "") + (i % 13 == 0 ? "T" : "")
                    + (i % 17 == 0 ? "a" : "") + (i % 19 == 0 ? "b" : "");
            Path file = source.resolve("cur").resolve((1_700_000_000 + i) + ".M" + i + "P1.test:2," + letters);
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + i)));
            expected.put(sha256(crlf(content)), new Expected(flags(letters), keywords(letters)));
        }
        openUp(source);
        Path mbox = work.resolve("mbox");
        Doveadm.worldWritable(mbox);
        new Doveadm(work.resolve("dovecot"), "mbox:" + mbox + ":INBOX=" + mbox.resolve("inbox")).run("import", "maildir:" + source, "", "all");
        assertThat(Files.readString(mbox.resolve("inbox"), StandardCharsets.ISO_8859_1)).contains("\nContent-Length: ", "\nX-Keywords: ");

        long start = System.nanoTime();
        CliRun r = CliRun.run(data, "", "import", "--to", USER, mbox.resolve("inbox").toString());
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("imported 10,000 messages from Dovecot's mbox in " + ms + " ms");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("imported 10000 messages into " + USER + ", skipped 0 already there, 0 problems");
        assertThat(r.code()).isZero();

        try (Storage storage = storage()) {
            List<MessageInfo> inbox = messages(storage, USER, "INBOX");
            assertThat(inbox).hasSize(10_000);
            for (MessageInfo m : inbox) {
                Expected e = expected.get(m.blob());
                assertThat(e).as("content of UID %d is one of the originals, byte for byte", m.uid()).isNotNull();
                assertThat(m.flags()).as("flags of UID %d", m.uid()).isEqualTo(e.flags());
                assertThat(Set.copyOf(m.keywords())).as("keywords of UID %d", m.uid()).isEqualTo(e.keywords());
            }
            assertThat(inbox.stream().map(MessageInfo::blob).distinct()).hasSize(10_000);
            MessageInfo first = inbox.getFirst();
            try (InputStream in = storage.blobs().open(first.blob())) {
                assertThat(sha256(in.readAllBytes())).isEqualTo(first.blob());
            }
        }

        // Run again (as after an interruption): everything is there already.
        CliRun again = CliRun.run(data, "", "import", "--to", USER, mbox.resolve("inbox").toString());
        assertThat(again.out()).contains("imported 0 messages into " + USER + ", skipped 10000 already there, 0 problems");
    }

    @Test
    void maildirTreeWrittenByDovecotWithBadInputBesideIt_thenExportAndImportAgain() throws Exception {
        Path tree = work.resolve("Maildir");
        Doveadm dovecot = new Doveadm(work.resolve("dovecot"), "maildir:" + tree);
        dovecot.run("mailbox", "create", "Trabajo", "Trabajo.Proyecto", "Año");
        Map<String, List<byte[]>> saved = Map.of("INBOX", List.of(message(1), message(2), message(3)),
                "Trabajo", List.of(message(4), message(5)), "Trabajo.Proyecto", List.of(message(6), message(7)), "Año", List.of(message(8)));
        for (var box : saved.entrySet()) for (byte[] m : box.getValue()) dovecot.run(m, "save", "-m", box.getKey());
        dovecot.run("flags", "add", "\\Seen $Label1 proyecto", "mailbox", "Trabajo.Proyecto", "uid", "1");
        dovecot.run("flags", "add", "\\Answered \\Flagged", "mailbox", "INBOX", "uid", "2");
        dovecot.run("flags", "add", "\\Draft \\Deleted", "mailbox", "Trabajo", "uid", "1");
        dovecot.run("flags", "add", "$Label1", "mailbox", "Trabajo", "uid", "2");

        // Beside it: a file that is no mail in a folder, and an mbox cut short by Dovecot's own Content-Length.
        Files.write(tree.resolve("cur").resolve("1.garbage.test:2,S"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, '\n'});
        Path mbox = work.resolve("mbox");
        Doveadm.worldWritable(mbox);
        Doveadm mboxes = new Doveadm(work.resolve("dovecot-mbox"), "mbox:" + mbox + ":INBOX=" + mbox.resolve("inbox"));
        for (int i : List.of(10, 11, 13)) mboxes.run(message(i), "save");
        byte[] whole = Files.readAllBytes(mbox.resolve("inbox"));
        Path cut = work.resolve("cut.mbox");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 20));
        long lastFrom = new String(whole, StandardCharsets.ISO_8859_1).lastIndexOf("\nFrom ") + 1;

        CliRun r = CliRun.run(data, "", "import", "--to", USER, tree.toString(), cut.toString());
        assertThat(r.err()).contains(tree.resolve("cur").resolve("1.garbage.test:2,S") + ": offset 0: not a message")
                .contains(cut + ": offset " + lastFrom + ": truncated: Content-Length says");
        assertThat(tree.resolve(".A&APE-o")).as("Dovecot writes folder names in modified UTF-7").isDirectory();
        assertThat(r.out()).contains("imported 10 messages into " + USER + ", skipped 0 already there, 2 problems");
        assertThat(r.code()).isEqualTo(2);

        try (Storage storage = storage()) {
            assertThat(contents(storage, USER, "INBOX")).containsExactlyInAnyOrder(crlf(message(1)), crlf(message(2)), crlf(message(3)),
                    crlf(message(10)), crlf(message(11)));
            assertThat(contents(storage, USER, "Trabajo")).containsExactlyInAnyOrder(crlf(message(4)), crlf(message(5)));
            assertThat(contents(storage, USER, "Trabajo/Proyecto")).containsExactlyInAnyOrder(crlf(message(6)), crlf(message(7)));
            assertThat(contents(storage, USER, "Año")).containsExactly(crlf(message(8)));
            assertThat(summary(storage, "INBOX")).containsExactlyInAnyOrder("1: 0 []", "2: 6 []", "3: 0 []", "10: 0 []", "11: 0 []");
            assertThat(summary(storage, "Trabajo")).containsExactlyInAnyOrder("4: 24 []", "5: 0 [$Label1]");
            assertThat(summary(storage, "Trabajo/Proyecto")).containsExactlyInAnyOrder("6: 1 [$Label1, proyecto]", "7: 0 []");
        }
        assertThat(CliRun.run(data, "", "import", "--to", USER, tree.toString()).out())
                .contains("imported 0 messages into " + USER + ", skipped 8 already there, 1 problems");

        // Export: Dovecot reads it with the flags; importing it into another account gives the same mailboxes.
        Path export = work.resolve("export");
        CliRun e = CliRun.run(data, "", "export", USER, export.toString());
        assertThat(e.out()).contains("exported 10 messages in 9 mailboxes of " + USER);
        assertThat(export.resolve(".A&APE-o").resolve("cur")).isDirectory();
        openUp(export);
        String fetched = new Doveadm(work.resolve("dovecot-export"), "maildir:" + export)
                .run("fetch", "mailbox flags", "mailbox", "Trabajo.Proyecto");
        assertThat(fetched).contains("flags: \\Seen \\Recent $Label1 proyecto");
        assertThat(CliRun.run(data, "", "import", "--to", OTHER, export.toString()).out())
                .contains("imported 10 messages into " + OTHER + ", skipped 0 already there, 0 problems");
        try (Storage storage = storage()) {
            for (String box : List.of("INBOX", "Trabajo", "Trabajo/Proyecto", "Año", "Sent", "Junk")) {
                assertThat(view(messages(storage, OTHER, box))).as(box).isEqualTo(view(messages(storage, USER, box)));
            }
        }
    }

    /**
     * A Maildir++ folder whose name cannot be a mailbox (an empty level, a LIST wildcard) is reported with
     * its directory and skipped; the rest imports. A --folder that cannot be one is refused before anything.
     */
    @Test
    void maildirFolderThatCannotBeAMailboxIsReportedAndTheRestImports() throws Exception {
        Path tree = work.resolve("tree");
        for (String folder : List.of("", ".Bien", ".a..b", ".x*y")) {
            maildir(tree.resolve(folder));
            Files.write(tree.resolve(folder).resolve("new").resolve("1700000000.M1P1.test"), message(folder.length()));
        }
        CliRun r = CliRun.run(data, "", "import", "--to", USER, tree.toString());
        assertThat(r.err()).contains(tree.resolve(".a..b") + ": offset 0: folder a//b cannot be a mailbox")
                .contains(tree.resolve(".x*y") + ": offset 0: folder x*y cannot be a mailbox");
        assertThat(r.out()).contains("imported 2 messages into " + USER + ", skipped 0 already there, 2 problems");
        try (Storage storage = storage()) {
            assertThat(contents(storage, USER, "Bien")).containsExactly(crlf(message(5)));
            assertThat(storage.mailboxes().mailboxes(storage.accounts().account(USER).orElseThrow().id()))
                    .extracting(m -> m.name()).noneMatch(n -> n.contains("*") || n.contains("//"));
        }
        CliRun badFolder = CliRun.run(data, "", "import", "--to", USER, "--folder", "Archivo//2024", tree.toString());
        assertThat(badFolder.code()).isNotZero();
        assertThat(badFolder.err()).contains("--folder Archivo//2024 cannot be a mailbox name");
    }

    /**
     * Python's mailbox.mbox writes mboxo (only "From " body lines get a ">", flags in Status/X-Status),
     * like Postfix's local delivery: read back with --mbox-quoting mboxo, byte for byte.
     */
    @Test
    void mboxoWrittenByPython() throws Exception {
        Path mbox = work.resolve("python.mbox");
        List<Integer> numbers = List.of(1, 3, 15);
        List<String> command = new ArrayList<>(List.of("python3", "-c", String.join("\n",
                "import mailbox, sys",
                "box = mailbox.mbox(sys.argv[1])",
                "for i, path in enumerate(sys.argv[2:]):",
                "    m = mailbox.mboxMessage(open(path, 'rb').read())",
                "    m.set_flags(['', 'RF', 'RA'][i])",
                "    box.add(m)",
                "box.flush()"), mbox.toString()));
        for (int i : numbers) {
            Path file = work.resolve("m" + i);
            Files.write(file, message(i));
            command.add(file.toString());
        }
        assertThat(org.estafeta.testing.Processes.run(command, new byte[0]).exitCode()).isZero();
        assertThat(Files.readString(mbox)).contains("\n>From here on").contains("\n>>From twice\n");

        CliRun r = CliRun.run(data, "", "import", "--to", USER, "--folder", "Python", "--mbox-quoting", "mboxo", mbox.toString());
        assertThat(r.out()).contains("imported 3 messages into " + USER + ", skipped 0 already there, 0 problems");
        try (Storage storage = storage()) {
            assertThat(contents(storage, USER, "Python")).containsExactlyInAnyOrder(crlf(message(1)), crlf(message(3)), crlf(message(15)));
            assertThat(summary(storage, "Python")).containsExactlyInAnyOrder("1: 0 []", "3: 5 []", "15: 3 []");
        }
    }

    @Test
    void progressBarRedrawsOneLineOnATerminalAndProblemsScrollAboveIt() {
        var terminal = new java.io.ByteArrayOutputStream();
        var bar = new ImportCommand.ProgressBar(new ProgressLine(new java.io.PrintStream(terminal, true, StandardCharsets.UTF_8), true));
        bar.advanced(50, 100, new org.estafeta.mailfile.Importer.Counts(5, 1, 0));
        bar.problem(new org.estafeta.mailfile.Problem("f.mbox", 42, "truncated"));
        bar.finish();
        String line = "[###############...............]  50% 5 imported, 1 skipped, 0 problems";
        assertThat(terminal.toString(StandardCharsets.UTF_8)).isEqualTo("\r" + line + "\r" + " ".repeat(line.length()) + "\r"
                + "estafeta import: f.mbox: offset 42: truncated\n" + line + "\n");

        var log = new java.io.ByteArrayOutputStream();
        var quiet = new ImportCommand.ProgressBar(new ProgressLine(new java.io.PrintStream(log, true, StandardCharsets.UTF_8), false));
        quiet.advanced(50, 100, new org.estafeta.mailfile.Importer.Counts(5, 1, 0));
        quiet.problem(new org.estafeta.mailfile.Problem("f.mbox", 42, "truncated"));
        quiet.finish();
        assertThat(log.toString(StandardCharsets.UTF_8)).as("no bar in a log file").isEqualTo("estafeta import: f.mbox: offset 42: truncated\n");
    }

    @Test
    void commandLineMistakes() throws Exception {
        assertThat(CliRun.run(data, "", "import", "--to", "nadie@example.com", work.toString()).err()).contains("no such account: nadie@example.com");
        CliRun missing = CliRun.run(data, "", "import", "--to", USER, work.resolve("nope").toString());
        assertThat(missing.err()).contains("nope: offset 0: no such file");
        assertThat(missing.code()).isEqualTo(2);
        Files.writeString(work.resolve("notes.txt"), "shopping list\n");
        assertThat(CliRun.run(data, "", "import", "--to", USER, work.resolve("notes.txt").toString()).err())
                .contains("notes.txt: offset 0: not an mbox file");
        assertThat(CliRun.run(data, "", "export", USER, work.toString()).err()).contains("the export directory is not empty");
        assertThat(CliRun.run(data, "", "import", "--to", USER, "--mbox-quoting", "mboxcl", "x").err())
                .contains("--mbox-quoting is mboxrd or mboxo");
    }

    private Storage storage() {
        return Storage.open(ConfigLoader.load(data, null, Map.of(), 0));
    }

    private static List<MessageInfo> messages(Storage storage, String address, String box) {
        long account = storage.accounts().account(address).orElseThrow().id();
        Mailbox mailbox = storage.mailboxes().mailbox(account, box).orElseThrow(() -> new AssertionError("no mailbox " + box));
        return storage.messages().list(mailbox.id());
    }

    private static List<byte[]> contents(Storage storage, String address, String box) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (MessageInfo m : messages(storage, address, box)) {
            try (InputStream in = storage.blobs().open(m.blob())) {
                out.add(in.readAllBytes());
            }
        }
        return out;
    }

    /** "N: flags [keywords]" for each message of {@code USER}'s mailbox, N the number in its Message-ID. */
    private static List<String> summary(Storage storage, String box) throws IOException {
        List<String> out = new ArrayList<>();
        for (MessageInfo m : messages(storage, USER, box)) {
            try (InputStream in = storage.blobs().open(m.blob())) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                int at = text.indexOf("Message-ID: <") + "Message-ID: <".length();
                out.add(text.substring(at, text.indexOf('@', at)) + ": " + m.flags() + " " + new TreeSet<>(m.keywords()));
            }
        }
        return out;
    }

    /** Everything export and import must keep of each message of a mailbox (UIDs are the new store's own). */
    private static List<String> view(List<MessageInfo> messages) {
        return messages.stream().map(m -> m.blob() + " " + m.size() + " " + m.flags() + " " + new TreeSet<>(m.keywords()) + " "
                + m.internalDate()).sorted().toList();
    }

    /** Message {@code i}, with LF line ends as mail files keep them, and body lines that an mbox must quote. */
    static byte[] message(int i) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: Remitente ").append(i).append(" <r").append(i).append("@example.org>\n");
        sb.append("To: ").append(USER).append('\n');
        sb.append("Subject: mensaje ").append(i).append('\n');
        sb.append("Message-ID: <").append(i).append("@example.org>\n");
        sb.append("Date: Tue, 14 Nov 2023 22:13:20 +0000\n\n");
        sb.append("Primera línea del mensaje ").append(i).append('\n');
        if (i % 3 == 0) sb.append("From here on, a line an mbox writer has to quote\n");
        if (i % 4 == 0) sb.append(">From a line that was quoted already\n");
        if (i % 5 == 0) sb.append(">>From twice\n");
        sb.append("x".repeat(i % 200)).append('\n');
        if (i % 6 == 0) sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] crlf(byte[] lf) {
        return new String(lf, StandardCharsets.UTF_8).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static int flags(String letters) {
        int f = 0;
        if (letters.contains("F")) f |= Flag.FLAGGED.bit();
        if (letters.contains("R")) f |= Flag.ANSWERED.bit();
        if (letters.contains("S")) f |= Flag.SEEN.bit();
        if (letters.contains("T")) f |= Flag.DELETED.bit();
        return f;
    }

    private static Set<String> keywords(String letters) {
        Set<String> k = new TreeSet<>();
        if (letters.contains("a")) k.add("$Label1");
        if (letters.contains("b")) k.add("proyecto");
        return k;
    }

    private static void maildir(Path dir) throws IOException {
        for (String sub : List.of("cur", "new", "tmp")) Files.createDirectories(dir.resolve(sub));
    }

    /** Dovecot runs as nobody when the test runs as root: it must be able to write its index files. */
    private static void openUp(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
            }
        }
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
