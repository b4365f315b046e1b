package org.estafeta.store.sql;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import org.estafeta.store.Blob;
import org.estafeta.store.Blobs;

/**
 * Blobs kept in the database up to {@code inlineMax} octets; beyond, in the {@code large} store (files
 * under the data dir, or {@link ChunkedBlobs} in the database). A file costs two fsyncs
 * of its own (the file, its folder) before the rows that name it can commit; a small blob rides in
 * the rows' own transaction, and the group commit makes many of them durable with one fsync (the
 * option DESIGN.md's storage section names; Stalwart keeps small blobs in its database likewise).
 * A writer holds up to {@code inlineMax} octets in memory, then spills to the large store and streams on.
 */
public final class SqlBlobs implements Blobs {

    private final SqlDatabase db;
    private final Blobs large;
    private final int inlineMax;

    public SqlBlobs(SqlDatabase db, Blobs large, int inlineMax) {
        this.db = db;
        this.large = large;
        this.inlineMax = inlineMax;
    }

    @Override
    public BlobWriter create() throws IOException {
        return inlineMax == 0 ? large.create() : new SmallFirstWriter();
    }

    @Override
    public InputStream open(String hash) {
        byte[] content = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT content FROM blob_contents WHERE hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
        return content != null ? new ByteArrayInputStream(content) : large.open(hash);
    }

    /** Octets kept inside the database: the small bodies, and the large ones when they are chunked there too. */
    public long bytesInDatabase() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT (SELECT coalesce(sum(length(content)), 0) FROM blob_contents) + (SELECT coalesce(sum(size), 0) FROM chunked_blobs)");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Inside a write: stores a small blob's bytes beside the row that is about to name it. */
    static void keep(Connection c, Blob blob) throws SQLException {
        if (blob.content() == null) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO blob_contents(hash, content) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, blob.hash());
            ps.setBytes(2, blob.content());
            ps.executeUpdate();
        }
    }

    private final class SmallFirstWriter extends BlobWriter {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(8 * 1024);
        private final MessageDigest digest = sha256();
        private BlobWriter spilled;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (spilled == null && buffer.size() + len > inlineMax) {
                spilled = large.create();
                buffer.writeTo(spilled);
            }
            if (spilled != null) {
                spilled.write(b, off, len);
            } else {
                buffer.write(b, off, len);
                digest.update(b, off, len);
            }
        }

        @Override
        public Blob finish() throws IOException {
            if (spilled != null) return spilled.finish();
            byte[] content = buffer.toByteArray();
            return new Blob(HexFormat.of().formatHex(digest.digest()), content.length, content);
        }

        @Override
        public void close() throws IOException {
            if (spilled != null) spilled.close();
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
