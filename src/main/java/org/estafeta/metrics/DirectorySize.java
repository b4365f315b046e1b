package org.estafeta.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The octets in a directory tree (the blob store), remembered for a while: walking a store of a
 * million files takes seconds, and Prometheus scrapes every 15 s. The measure is kept for a hundred
 * times as long as it took, and at least {@code minAge}: a small store is fresh at every scrape,
 * a big one costs at most 1 % of a core. {@code elsewhere} adds what belongs to the store but lives
 * outside the tree (the small blobs kept inside the database), measured at the same moments.
 */
public final class DirectorySize {

    private final Path root;
    private final Duration minAge;
    private final LongSupplier elsewhere;
    private final ReentrantLock lock = new ReentrantLock();
    private long bytes = -1;
    private long measuredAt;
    /** How long the measure stays good: 100 times what the last walk took, at least minAge. */
    private long keepNanos;

    public DirectorySize(Path root, Duration minAge, LongSupplier elsewhere) {
        this.root = root;
        this.minAge = minAge;
        this.elsewhere = elsewhere;
    }

    /** The size, measured again when the last measure is too old; 0 when the directory is missing. */
    public long bytes() {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (bytes < 0 || now - measuredAt > keepNanos) {
                bytes = walk() + elsewhere.getAsLong();
                measuredAt = System.nanoTime();
                keepNanos = Math.max(minAge.toNanos(), 100 * (measuredAt - now));
            }
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    private long walk() {
        if (!Files.isDirectory(root)) return 0;
        long[] total = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A blob removed while we walk (expunged mail): it no longer counts.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total[0];
    }
}
