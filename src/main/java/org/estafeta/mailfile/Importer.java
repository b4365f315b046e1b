package org.estafeta.mailfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.estafeta.delivery.Channel;
import org.estafeta.delivery.Inbound;
import org.estafeta.delivery.InboundEnvelope;
import org.estafeta.delivery.InboundMessage;
import org.estafeta.delivery.Refused;
import org.estafeta.delivery.Route;
import org.estafeta.net.ClientText;
import org.estafeta.store.Account;
import org.estafeta.store.Filing;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;

/**
 * {@code estafeta import}: every message of mbox files and Maildir(++) trees goes through the inbound
 * path (channel IMPORTED: stored byte for byte with its flags, keywords and date, into the folder it
 * came from). Resumable: a message whose exact content is already in its target mailbox is skipped
 * (content-addressed blobs make that one hash; it implies the same Message-ID and size, and also holds
 * for messages without a Message-ID). Each copy already there is matched once, so a folder that holds
 * the same message twice keeps both.
 *
 * <p>Up to {@link #IN_FLIGHT} messages are committed at once, so that they share the store's group
 * commit and fsyncs (one at a time: 15 ms a message here, 10,000 in 150 s). UIDs therefore follow the
 * input only roughly; the internal dates, which clients sort by, are the originals.
 */
public final class Importer {

    /** What the command line shows while it works. */
    public interface Progress {
        void advanced(long octetsDone, long octetsTotal, Counts counts);

        void problem(Problem problem);
    }

    public record Counts(int imported, int skipped, int problems) {
    }

    static final int IN_FLIGHT = 16;

    private final Inbound inbound;
    private final Mailboxes mailboxes;
    private final Messages messages;
    private final Account account;
    private final Progress progress;
    /** Per target mailbox: how many copies of each content hash it held before they were matched. */
    private final Map<String, Map<String, Integer>> present = new HashMap<>();
    private final Map<String, Long> mailboxIds = new HashMap<>();
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final AtomicReference<IOException> storeFailure = new AtomicReference<>();
    private ExecutorService workers;
    private int imported, skipped, problems;
    /** Octets read (by the reading thread), of {@code total}. */
    private volatile long done;
    private long total;

    public Importer(Inbound inbound, Mailboxes mailboxes, Messages messages, Account account, Progress progress) {
        this.inbound = inbound;
        this.mailboxes = mailboxes;
        this.messages = messages;
        this.account = account;
        this.progress = progress;
    }

    /**
     * Imports {@code paths} (mbox files, Maildir folders, Maildir++ trees) into {@code folder}: an mbox or
     * a tree's root go there, a tree's subfolders below it (below nothing when it is INBOX).
     */
    public Counts run(List<Path> paths, String folder, MboxQuoting quoting) throws IOException {
        for (Path p : paths) total += octets(p);
        try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            this.workers = workers;
            for (Path p : paths) read(p, folder, quoting);
        }
        if (storeFailure.get() != null) throw storeFailure.get();
        synchronized (this) {
            progress.advanced(done, total, counts());
            return counts();
        }
    }

    /** Reads one path on this thread; the messages commit on the workers. */
    private void read(Path p, String folder, MboxQuoting quoting) throws IOException {
        if (Files.isDirectory(p) && Maildir.isMaildir(p)) {
            for (Maildir.Folder f : Maildir.folders(p)) {
                if (!Mailbox.validName(mailboxName(folder, f.name()))) {
                    report(new Problem(f.dir().toString(), 0, "folder " + ClientText.printable(f.name())
                            + " cannot be a mailbox (an empty level, a control character, * or %); its messages are not imported"));
                    continue;
                }
                target(folder, f.name());
                Map<Character, String> letters = Maildir.keywords(f.dir());
                for (Path file : Maildir.messages(f.dir())) {
                    Found m = Maildir.read(file, f.name(), letters);
                    done += m.content().length;
                    take(m, folder);
                }
            }
        } else if (Files.isRegularFile(p)) {
            long base = done;
            Mbox.read(p, "", quoting, new Mbox.Sink() {
                @Override
                public void found(Found m) throws IOException {
                    done = base + m.end();
                    take(m, folder);
                }

                @Override
                public void problem(Problem problem) {
                    report(problem);
                }
            });
            done = base + Files.size(p);
        } else {
            report(new Problem(p.toString(), 0, Files.exists(p) ? "neither an mbox file nor a Maildir (no cur/ and new/)" : "no such file"));
        }
    }

    private Counts counts() {
        return new Counts(imported, skipped, problems);
    }

    private synchronized void report(Problem p) {
        problems++;
        progress.problem(p);
    }

    private void take(Found m, String folder) throws IOException {
        byte[] content = Crlf.normalise(m.content());
        if (content.length == 0) {
            report(new Problem(m.where(), m.offset(), "empty message"));
            return;
        }
        if (Mbox.fieldName(firstLine(content)) == null) {
            report(new Problem(m.where(), m.offset(), "not a message: it does not begin with a header field"));
            return;
        }
        String target = target(folder, m.folder());
        Map<String, Integer> copies = present(target);
        String hash = sha256(content);
        Integer left = copies.get(hash);
        if (left != null && left > 0) {
            copies.put(hash, left - 1);
            synchronized (this) {
                skipped++;
                progress.advanced(done, total, counts());
            }
            return;
        }
        if (storeFailure.get() != null) throw storeFailure.get();
        slots.acquireUninterruptibly();
        workers.execute(() -> {
            try {
                deliver(m, target, content);
                synchronized (this) {
                    progress.advanced(done, total, counts());
                }
            } catch (IOException | RuntimeException e) {
                storeFailure.compareAndSet(null, e instanceof IOException io ? io : new IOException(e.toString(), e));
            } finally {
                slots.release();
            }
        });
    }

    private void deliver(Found m, String target, byte[] content) throws IOException {
        // IMAP keywords are atoms: anything else in a file's metadata is dropped.
        List<String> keywords = m.keywords().stream().filter(Flag::isKeyword).toList();
        var route = new Route.Local(List.of(new Filing(account.id(), target, m.flags(), keywords)), List.of());
        var envelope = new InboundEnvelope("", null, null, List.of(new InboundEnvelope.Recipient(account.address(), null, null, route)));
        try (InboundMessage in = inbound.open(envelope, Channel.imported())) {
            in.dated(m.date() != null ? m.date() : Instant.now());
            in.write(content);
            in.commit();
            synchronized (this) {
                imported++;
            }
        } catch (Refused e) {
            report(new Problem(m.where(), m.offset(), "refused: " + e.getMessage()));
        }
    }

    /** The mailbox a message goes into, created on first use. */
    private String target(String folder, String sub) {
        String name = mailboxName(folder, sub);
        if (!mailboxIds.containsKey(name)) {
            Mailbox box = mailboxes.mailbox(account.id(), name).orElseGet(() -> mailboxes.create(account.id(), name, null));
            mailboxIds.put(name, box.id());
        }
        return name;
    }

    private static String mailboxName(String folder, String sub) {
        String base = folder == null ? "INBOX" : folder;
        return sub.isEmpty() ? base : base.equalsIgnoreCase("INBOX") ? sub : base + "/" + sub;
    }

    private Map<String, Integer> present(String target) {
        return present.computeIfAbsent(target, t -> {
            Map<String, Integer> copies = new HashMap<>();
            for (MessageInfo info : messages.list(mailboxIds.get(t))) copies.merge(info.blob(), 1, Integer::sum);
            return copies;
        });
    }

    private static byte[] firstLine(byte[] content) {
        int i = 0;
        while (i < content.length && content[i] != '\n') i++;
        return java.util.Arrays.copyOf(content, Math.min(content.length, i + 1));
    }

    private static long octets(Path p) {
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
