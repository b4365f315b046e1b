package org.estafeta.mailfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.estafeta.mime.ModifiedUtf7;
import org.estafeta.store.Flag;

/**
 * Maildir (cr.yp.to/proto/maildir.html) and Maildir++ (Courier, Dovecot's default layout): a folder is
 * a directory with {@code cur/ new/ tmp/}; a tree's subfolders are its directories {@code .Sub.Folder}
 * ("." is the hierarchy separator, IMAP's "/" here); a message is a file whose name ends in
 * {@code :2,FLAGS}: D draft, F flagged, R replied, S seen, T trashed, and Dovecot's keywords as the
 * letters a–z, numbered in the folder's {@code dovecot-keywords}. The internal date is the file's
 * modification time (Dovecot sets it to the arrival).
 */
final class Maildir {

    /** A folder of a tree: its IMAP name below the tree's root ("" for the root itself) and its directory. */
    record Folder(String name, Path dir) {
    }

    /** Maildir's flag letters, in the ASCII order a name must list them (D F P R S T); P (passed) has no IMAP flag. */
    private static final String LETTERS = "DFRST";
    private static final Flag[] FLAGS = {Flag.DRAFT, Flag.FLAGGED, Flag.ANSWERED, Flag.SEEN, Flag.DELETED};
    /** Dovecot names at most 26 keywords per folder: one letter each. */
    static final int MAX_KEYWORDS = 26;

    private Maildir() {
    }

    static boolean isMaildir(Path dir) {
        return Files.isDirectory(dir.resolve("cur")) && Files.isDirectory(dir.resolve("new"));
    }

    /** The tree's root folder and its Maildir++ subfolders, parents before children. */
    static List<Folder> folders(Path root) throws IOException {
        List<Folder> out = new ArrayList<>(List.of(new Folder("", root)));
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.length() > 1 && !n.equals("..") && isMaildir(p);
            }).sorted().forEach(p -> out.add(new Folder(imapName(p.getFileName().toString().substring(1)), p)));
        }
        return out;
    }

    /** The messages of one folder (new/ and cur/), in the order Dovecot's uidlist gives, else by name (which starts with the time). */
    static List<Path> messages(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> s = Files.list(dir.resolve(sub))) {
                s.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)).forEach(files::add);
            }
        }
        Map<String, Long> uids = uidList(dir);
        files.sort(Comparator.<Path>comparingLong(p -> uids.getOrDefault(base(p.getFileName().toString()), Long.MAX_VALUE))
                .thenComparing(p -> p.getFileName().toString()));
        return files;
    }

    /** Reads one message file: content as stored, flags from its name, date from its modification time. */
    static Found read(Path file, String folder, Map<Character, String> keywordLetters) throws IOException {
        String name = file.getFileName().toString();
        int flags = 0;
        List<String> keywords = new ArrayList<>();
        int info = name.lastIndexOf(":2,");
        if (info >= 0) {
            for (char c : name.substring(info + 3).toCharArray()) {
                int i = LETTERS.indexOf(c);
                if (i >= 0) flags |= FLAGS[i].bit();
                else if (keywordLetters.containsKey(c)) keywords.add(keywordLetters.get(c));
            }
        }
        Instant date = Files.getLastModifiedTime(file).toInstant();
        byte[] content = Files.readAllBytes(file);
        return new Found(file.toString(), folder, 0, content.length, content, date, flags, keywords);
    }

    /** Dovecot's {@code dovecot-keywords}: lines "N name", N from 0, letter 'a' + N. */
    static Map<Character, String> keywords(Path dir) throws IOException {
        Map<Character, String> out = new HashMap<>();
        Path file = dir.resolve("dovecot-keywords");
        if (!Files.isRegularFile(file)) return out;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int sp = line.indexOf(' ');
            if (sp <= 0) continue;
            try {
                int n = Integer.parseInt(line.substring(0, sp));
                if (n >= 0 && n < MAX_KEYWORDS) out.put((char) ('a' + n), line.substring(sp + 1).strip());
            } catch (NumberFormatException e) {
                // not Dovecot's line: no keyword
            }
        }
        return out;
    }

    /** Dovecot's {@code dovecot-uidlist}: after the header line, "UID [extensions] :base-name" per message. */
    private static Map<String, Long> uidList(Path dir) throws IOException {
        Map<String, Long> out = new HashMap<>();
        Path file = dir.resolve("dovecot-uidlist");
        if (!Files.isRegularFile(file)) return out;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int sp = line.indexOf(' '), colon = line.indexOf(':');
            if (sp <= 0 || colon < 0) continue;
            try {
                out.put(line.substring(colon + 1), Long.parseLong(line.substring(0, sp)));
            } catch (NumberFormatException e) {
                // a line of a newer uidlist version: ordered by name instead
            }
        }
        return out;
    }

    /** The unique part of a name, before its info ({@code :2,...}). */
    private static String base(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /** The {@code :2,} info of a message: system flag letters in ASCII order, then the keyword letters. */
    static String info(int flags, List<Character> keywordLetters) {
        StringBuilder sb = new StringBuilder(":2,");
        for (int i = 0; i < LETTERS.length(); i++) if (FLAGS[i].isSet(flags)) sb.append(LETTERS.charAt(i));
        keywordLetters.stream().sorted().forEach(sb::append);
        return sb.toString();
    }

    /** The Maildir++ directory of an IMAP name below {@code root}: "." for "/", modified UTF-7 as Dovecot and Courier write. */
    static Path folderDir(Path root, String name) {
        return name.equals("INBOX") ? root : root.resolve("." + ModifiedUtf7.encode(name).replace('/', '.'));
    }

    /** The IMAP name of a folder directory's name (without its leading "."); kept as it is when it is not modified UTF-7. */
    private static String imapName(String dirName) {
        String decoded = ModifiedUtf7.decode(dirName);
        return (decoded == null ? dirName : decoded).replace('.', '/');
    }
}
