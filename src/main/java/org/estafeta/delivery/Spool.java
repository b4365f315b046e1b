package org.estafeta.delivery;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Holds the content of an arriving message until the pipeline has decided what to prepend and insert:
 * in memory up to {@link #MEMORY} (most mail), then in a temporary file that is never fsynced (the
 * stored blob is). Nothing is said to the client before the blob is durable, so a crash loses only
 * what was never acknowledged.
 */
final class Spool extends OutputStream {

    /** Mail below this stays in memory (measured median message sizes are a few KiB). */
    static final int MEMORY = 256 * 1024;

    private final Path directory;
    private byte[] memory = new byte[8192];
    private long size;
    private Path file;
    private OutputStream fileOut;

    Spool(Path directory) {
        this.directory = directory;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (file == null && size + len <= MEMORY) {
            if (size + len > memory.length) memory = Arrays.copyOf(memory, (int) Math.min(MEMORY, Math.max(memory.length * 2L, size + len)));
            System.arraycopy(b, off, memory, (int) size, len);
        } else {
            if (file == null) spill();
            fileOut.write(b, off, len);
        }
        size += len;
    }

    private void spill() throws IOException {
        Files.createDirectories(directory);
        file = Files.createTempFile(directory, "in-", ".eml");
        fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        fileOut.write(memory, 0, (int) size);
        memory = null;
    }

    long size() {
        return size;
    }

    /** The content from the start. */
    InputStream open() throws IOException {
        if (file == null) return new ByteArrayInputStream(memory, 0, (int) size);
        fileOut.flush();
        return Files.newInputStream(file);
    }

    /** Drops the temporary file, if any. */
    @Override
    public void close() throws IOException {
        if (file == null) return;
        try (OutputStream ignored = fileOut) {
            Files.deleteIfExists(file);
        }
    }
}
