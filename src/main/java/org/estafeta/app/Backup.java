package org.estafeta.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.estafeta.store.FileBlobs;
import org.estafeta.store.PrivateFiles;
import org.estafeta.store.sql.SqliteBackup;

/**
 * {@code estafeta backup DEST} and {@code estafeta restore SRC}. A backup is a data directory: the
 * database copied by SQLite's online backup API while the server runs (a consistent snapshot, see
 * {@link SqliteBackup#copy}), then the blobs that copy refers to, then the small files (keys,
 * configuration). Blobs are written and fsynced before the rows that name them commit, and are never
 * deleted, so every blob the snapshot names is on disk when it is copied: every message committed
 * before the backup began is in it, body and all. Everything is fsynced before the command says done.
 * A restore copies a backup into an empty data directory, after checking it.
 */
public final class Backup {

    static final String DATABASE = "estafeta.db";
    static final String BLOBS = "blobs";
    /** Not copied: the live database and its WAL (copied through the backup API), the blobs (by reference), transient things. */
    private static final Set<String> SKIPPED = Set.of(DATABASE, DATABASE + "-wal", DATABASE + "-shm", DATABASE + "-journal", BLOBS, "spool",
            ".lock", ControlSocket.FILE);

    /** What was copied. */
    public record Report(int messagesBlobs, long blobBytes, int otherFiles) {
    }

    private Backup() {
    }

    /** Copies the data directory {@code data} (its server may be running) into {@code dest}, which must be missing or empty. */
    public static Report backup(Path data, Path dest) throws IOException {
        if (!Files.isRegularFile(data.resolve(DATABASE))) throw new IllegalArgumentException("no Estafeta data in " + data + " (no " + DATABASE + ")");
        requireEmpty(dest, "the backup destination");
        PrivateFiles.createDirectories(dest);
        Path db = dest.resolve(DATABASE);
        SqliteBackup.copy(data.resolve(DATABASE), db);
        fsync(db);
        long[] bytes = {0};
        Set<String> blobs = SqliteBackup.referencedBlobs(db);
        copyBlobs(data.resolve(BLOBS), dest.resolve(BLOBS), blobs, bytes);
        int others = copyOthers(data, dest);
        check(dest);
        PrivateFiles.restrict(dest);
        fsyncTree(dest);
        return new Report(blobs.size(), bytes[0], others);
    }

    /** Copies a backup into {@code data}, which must be missing or empty (a restore never mixes two stores). */
    public static Report restore(Path backup, Path data) throws IOException {
        if (!Files.isRegularFile(backup.resolve(DATABASE))) throw new IllegalArgumentException(backup + " is not an Estafeta backup (no " + DATABASE + ")");
        requireEmpty(data, "the data directory");
        check(backup);
        PrivateFiles.createDirectories(data);
        Path db = data.resolve(DATABASE);
        Files.copy(backup.resolve(DATABASE), db);
        long[] bytes = {0};
        Set<String> blobs = SqliteBackup.referencedBlobs(db);
        copyBlobs(backup.resolve(BLOBS), data.resolve(BLOBS), blobs, bytes);
        int others = copyOthers(backup, data);
        PrivateFiles.restrict(data);
        fsyncTree(data);
        return new Report(blobs.size(), bytes[0], others);
    }

    /** The database is sound and every blob it names is there. */
    static void check(Path dir) {
        List<String> problems = SqliteBackup.integrityProblems(dir.resolve(DATABASE));
        if (!problems.isEmpty()) throw new IllegalArgumentException("the database in " + dir + " is damaged: " + String.join("; ", problems));
        for (String hash : SqliteBackup.referencedBlobs(dir.resolve(DATABASE))) {
            if (!Files.isRegularFile(dir.resolve(BLOBS).resolve(FileBlobs.relative(hash)))) {
                throw new IllegalArgumentException("the copy in " + dir + " lacks the message body " + hash);
            }
        }
    }

    private static void requireEmpty(Path dir, String what) throws IOException {
        if (!Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(what + " " + dir + " is not a directory");
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(what + " " + dir + " is not empty; give an empty or new directory (nothing was changed)");
            }
        }
    }

    private static void copyBlobs(Path from, Path to, Set<String> hashes, long[] bytes) throws IOException {
        // There even when every body is small enough to live inside the database.
        PrivateFiles.createDirectories(to);
        for (String hash : hashes) {
            Path relative = FileBlobs.relative(hash);
            Path target = to.resolve(relative);
            PrivateFiles.createDirectories(target.getParent());
            try {
                Files.copy(from.resolve(relative), target);
            } catch (NoSuchFileException e) {
                throw new IllegalStateException("the message body " + hash + " named by the database is missing from " + from, e);
            }
            bytes[0] += Files.size(target);
        }
    }

    /** The keys and configuration beside the database (tls/, dkim/, srs.key, estafeta.toml, ...). */
    private static int copyOthers(Path from, Path to) throws IOException {
        int[] n = {0};
        try (Stream<Path> entries = Files.list(from)) {
            for (Path entry : entries.toList()) {
                if (SKIPPED.contains(entry.getFileName().toString())) continue;
                Files.walkFileTree(entry, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                        PrivateFiles.createDirectories(to.resolve(from.relativize(dir).toString()));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (!attrs.isRegularFile()) return FileVisitResult.CONTINUE;
                        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                        n[0]++;
                        return FileVisitResult.CONTINUE;
                    }
                });
            }
        }
        return n[0];
    }

    /** Every file and directory under {@code root} to disk, files before the directories that name them. */
    private static void fsyncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) fsync(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                fsync(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void fsync(Path path) throws IOException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            c.force(true);
        }
    }
}
