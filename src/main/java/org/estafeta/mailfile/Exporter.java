package org.estafeta.mailfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.estafeta.store.Account;
import org.estafeta.store.Blobs;
import org.estafeta.store.Mailbox;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;

/**
 * {@code estafeta export}: an account as a Maildir++ tree that Dovecot, Courier or {@code estafeta
 * import} read: INBOX at the root, every other mailbox as {@code .Name.Sub}, each message byte for
 * byte as stored (CRLF, which Dovecot reads as is) in {@code cur/}, its flags and keywords in the
 * name (keywords numbered in the folder's {@code dovecot-keywords}), its internal date as the file's
 * modification time. Each file is written in {@code tmp/}, fsynced and renamed, as Maildir requires.
 */
public final class Exporter {

    /** Counts for the command line, and keywords that found no letter (a folder may name 26). */
    public record Result(int mailboxes, int messages, List<String> droppedKeywords) {
    }

    private final Mailboxes mailboxes;
    private final Messages messages;
    private final Blobs blobs;
    private final String hostname;

    public Exporter(Mailboxes mailboxes, Messages messages, Blobs blobs, String hostname) {
        this.mailboxes = mailboxes;
        this.messages = messages;
        this.blobs = blobs;
        this.hostname = hostname.replace('/', '_').replace(':', '_');
    }

    public Result run(Account account, Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) throw new IllegalArgumentException("the export directory is not empty: " + root);
            }
        }
        int count = 0, boxes = 0;
        List<String> dropped = new ArrayList<>();
        for (Mailbox box : mailboxes.mailboxes(account.id())) {
            Path dir = Maildir.folderDir(root, box.name());
            for (String sub : List.of("cur", "new", "tmp")) Files.createDirectories(dir.resolve(sub));
            if (!dir.equals(root)) Files.createFile(dir.resolve("maildirfolder"));
            boxes++;
            Map<String, Character> letters = new LinkedHashMap<>();
            for (MessageInfo m : messages.list(box.id())) {
                List<Character> mine = new ArrayList<>();
                for (String k : m.keywords()) {
                    if (!letters.containsKey(k) && letters.size() < Maildir.MAX_KEYWORDS) letters.put(k, (char) ('a' + letters.size()));
                    if (letters.containsKey(k)) mine.add(letters.get(k));
                    else if (!dropped.contains(k)) dropped.add(k);
                }
                String name = m.internalDate().getEpochSecond() + ".M" + m.uid() + "P" + box.id() + "." + hostname + ",S=" + m.size()
                        + Maildir.info(m.flags(), mine);
                write(dir, name, m);
                count++;
            }
            if (!letters.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                letters.forEach((k, c) -> sb.append(c - 'a').append(' ').append(k).append('\n'));
                Files.writeString(dir.resolve("dovecot-keywords"), sb.toString(), StandardCharsets.UTF_8);
            }
        }
        return new Result(boxes, count, dropped);
    }

    private void write(Path dir, String name, MessageInfo m) throws IOException {
        Path tmp = dir.resolve("tmp").resolve(name.substring(0, name.indexOf(':')));
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             InputStream in = blobs.open(m.blob())) {
            OutputStream os = Channels.newOutputStream(out);
            in.transferTo(os);
            out.force(true);
        }
        Files.setLastModifiedTime(tmp, FileTime.from(m.internalDate()));
        Files.move(tmp, dir.resolve("cur").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
