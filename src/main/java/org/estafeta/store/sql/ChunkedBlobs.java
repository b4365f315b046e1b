package org.estafeta.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import org.estafeta.store.Blob;
import org.estafeta.store.BlobUnreadable;
import org.estafeta.store.Blobs;

/**
 * Message bodies kept in the database in chunks ({@code store.blobs = "database"}), so that every node
 * of a cluster reads what any of them stored, where files under one node's data dir could not be.
 * Neither way holds more than one chunk in memory: a writer sends each chunk as it fills, a reader
 * fetches the one it is in.
 *
 * <p>A writer's chunks are committed as they go, under a number from {@code blob_uploads} (the SHA-256
 * is known only at the end); {@link BlobWriter#finish()} names them in {@code chunked_blobs} in one
 * commit, or drops them if the same content is already there (PostgreSQL makes a second writer of the
 * same hash wait for the first one's commit, then its {@code ON CONFLICT DO NOTHING} inserts nothing).
 * So a blob is durable before the rows that name it commit, as a file is. A writer closed unfinished
 * deletes its chunks; one whose node died leaves an upload row, swept after {@link #ABANDONED_MILLIS}.
 * Blobs are never deleted otherwise, the same as files (a backup relies on it, see {@code app.Backup}).
 */
public final class ChunkedBlobs implements Blobs {

    /** 256 KiB: 20 round trips for a 5 MB message, and little memory per session that reads or writes one. */
    public static final int CHUNK_SIZE = 256 * 1024;
    /** An upload unfinished after this long is one whose node stopped mid-write (DATA has its own, far shorter, time limits). */
    static final long ABANDONED_MILLIS = 24 * 60 * 60 * 1000L;

    private final SqlDatabase db;
    private final int chunkSize;

    public ChunkedBlobs(SqlDatabase db) {
        this(db, CHUNK_SIZE);
    }

    ChunkedBlobs(SqlDatabase db, int chunkSize) {
        this.db = db;
        this.chunkSize = chunkSize;
    }

    @Override
    public BlobWriter create() {
        long upload = db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_uploads(started) VALUES (?) RETURNING blob")) {
                ps.setLong(1, System.currentTimeMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return new ChunkWriter(upload);
    }

    @Override
    public InputStream open(String hash) {
        Stored stored = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT blob, size, chunk_size FROM chunked_blobs WHERE hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Stored(rs.getLong(1), rs.getLong(2), rs.getInt(3)) : null;
                }
            }
        });
        if (stored == null) throw new BlobUnreadable(hash, new java.io.FileNotFoundException("no such blob in the database"));
        return new ChunkReader(hash, stored);
    }

    /** Removes the chunks of uploads that were started long ago and never finished; returns how many. */
    public int sweepAbandoned() {
        return db.write(c -> {
            long before = System.currentTimeMillis() - ABANDONED_MILLIS;
            try (PreparedStatement chunks = c.prepareStatement("DELETE FROM blob_chunks WHERE blob IN (SELECT blob FROM blob_uploads WHERE started < ?)");
                 PreparedStatement uploads = c.prepareStatement("DELETE FROM blob_uploads WHERE started < ?")) {
                chunks.setLong(1, before);
                chunks.executeUpdate();
                uploads.setLong(1, before);
                return uploads.executeUpdate();
            }
        });
    }

    private record Stored(long blob, long size, int chunkSize) {
    }

    private final class ChunkWriter extends BlobWriter {
        private final long upload;
        private final MessageDigest digest = sha256();
        private final byte[] chunk = new byte[chunkSize];
        private int filled;
        private int seq;
        private long size;
        private boolean done;

        ChunkWriter(long upload) {
            this.upload = upload;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (done) throw new IOException("blob writer already finished or closed");
            digest.update(b, off, len);
            size += len;
            while (len > 0) {
                int n = Math.min(len, chunk.length - filled);
                System.arraycopy(b, off, chunk, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == chunk.length) sendChunk();
            }
        }

        private void sendChunk() {
            byte[] bytes = filled == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, filled);
            int number = seq++;
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_chunks(blob, seq, bytes) VALUES (?, ?, ?)")) {
                    ps.setLong(1, upload);
                    ps.setInt(2, number);
                    ps.setBytes(3, bytes);
                    return ps.executeUpdate();
                }
            });
            filled = 0;
        }

        @Override
        public Blob finish() throws IOException {
            if (done) throw new IOException("blob writer already finished or closed");
            if (filled > 0) sendChunk();
            String hash = HexFormat.of().formatHex(digest.digest());
            done = true;
            db.write(c -> {
                boolean named;
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO chunked_blobs(hash, blob, size, chunk_size) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING")) {
                    ps.setString(1, hash);
                    ps.setLong(2, upload);
                    ps.setLong(3, size);
                    ps.setInt(4, chunk.length);
                    named = ps.executeUpdate() == 1;
                }
                // Identical content was stored before; that copy is as good as ours.
                if (!named) deleteChunks(c, upload);
                deleteUpload(c, upload);
                return named;
            });
            return new Blob(hash, size);
        }

        @Override
        public void close() {
            if (done) return;
            done = true;
            db.write(c -> {
                deleteChunks(c, upload);
                deleteUpload(c, upload);
                return null;
            });
        }
    }

    private static void deleteChunks(java.sql.Connection c, long upload) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM blob_chunks WHERE blob = ?")) {
            ps.setLong(1, upload);
            ps.executeUpdate();
        }
    }

    private static void deleteUpload(java.sql.Connection c, long upload) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM blob_uploads WHERE blob = ?")) {
            ps.setLong(1, upload);
            ps.executeUpdate();
        }
    }

    /** Reads chunk after chunk, holding one; a skip past the chunk in hand goes straight to the one it lands in. */
    private final class ChunkReader extends InputStream {
        private final String hash;
        private final Stored stored;
        /** Offset in the blob of the next byte to give. */
        private long position;
        /** The chunk in hand (number {@code chunkSeq}), or null. */
        private byte[] chunk;
        private int chunkSeq = -1;

        ChunkReader(String hash, Stored stored) {
            this.hash = hash;
            this.stored = stored;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            if (position >= stored.size()) return -1;
            int seq = (int) (position / stored.chunkSize());
            if (seq != chunkSeq) load(seq);
            int at = (int) (position % stored.chunkSize());
            int n = Math.min(len, chunk.length - at);
            if (n <= 0) throw new BlobUnreadable(hash, new IOException("chunk " + seq + " is shorter than the blob's size says"));
            System.arraycopy(chunk, at, b, off, n);
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, stored.size() - position));
            position += skipped;
            return skipped;
        }

        @Override
        public int available() {
            if (chunk == null || position / stored.chunkSize() != chunkSeq) return 0;
            return (int) Math.max(0, chunk.length - position % stored.chunkSize());
        }

        private void load(int seq) {
            chunk = null;
            byte[] bytes = db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT bytes FROM blob_chunks WHERE blob = ? AND seq = ?")) {
                    ps.setLong(1, stored.blob());
                    ps.setInt(2, seq);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getBytes(1) : null;
                    }
                }
            });
            if (bytes == null) throw new BlobUnreadable(hash, new IOException("chunk " + seq + " is missing"));
            chunk = bytes;
            chunkSeq = seq;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
