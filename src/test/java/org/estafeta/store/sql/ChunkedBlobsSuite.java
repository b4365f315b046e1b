package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Random;
import org.estafeta.store.Blob;
import org.estafeta.store.BlobUnreadable;
import org.estafeta.store.Blobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Large message bodies in the database ({@link ChunkedBlobs}), run on each dialect by a subclass: in
 * and out byte for byte, one chunk at a time, named by SHA-256, kept once, and nothing left behind by
 * a writer that did not finish.
 */
abstract class ChunkedBlobsSuite {

    private static final int FIVE_MB = 5 * 1024 * 1024;

    private SqlDatabase db;
    private ChunkedBlobs blobs;

    /** A new, empty, migrated database of the subclass's dialect. */
    protected abstract SqlDatabase open() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        db = open();
        blobs = new ChunkedBlobs(db);
    }

    @AfterEach
    void tearDown() {
        if (db != null) db.close();
    }

    @Test
    void fiveMegabytesGoInAndComeOutByteForByteInChunksOfAQuarterMegabyte() throws Exception {
        byte[] content = random(FIVE_MB + 17, 1);
        Blob blob;
        try (Blobs.BlobWriter w = blobs.create()) {
            // In uneven pieces, as a DATA transfer arrives, across chunk boundaries.
            for (int off = 0; off < content.length; off += 65_537) w.write(content, off, Math.min(65_537, content.length - off));
            blob = w.finish();
        }

        assertThat(blob.hash()).isEqualTo(sha256(content));
        assertThat(blob.size()).isEqualTo(content.length);
        assertThat(blob.content()).as("durable on its own, not carried in memory to the rows").isNull();
        // The heap bound: no row, so no read or write, holds more than one chunk.
        assertThat(count("SELECT count(*) FROM blob_chunks")).isEqualTo(21);
        assertThat(count("SELECT max(length(bytes)) FROM blob_chunks")).isEqualTo(ChunkedBlobs.CHUNK_SIZE);
        assertThat(count("SELECT count(*) FROM blob_uploads")).as("the upload is done").isZero();
        try (InputStream in = blobs.open(blob.hash())) {
            assertThat(in.available()).isLessThanOrEqualTo(ChunkedBlobs.CHUNK_SIZE);
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void aPartialReadSkipsStraightToItsChunkAndCrossesIntoTheNext() throws Exception {
        byte[] content = random(FIVE_MB, 2);
        Blob blob = write(content);
        int from = 7 * ChunkedBlobs.CHUNK_SIZE - 500;

        try (InputStream in = blobs.open(blob.hash())) {
            assertThat(in.skip(from)).isEqualTo(from);
            assertThat(in.readNBytes(1000)).isEqualTo(java.util.Arrays.copyOfRange(content, from, from + 1000));
            assertThat(in.skip(Long.MAX_VALUE)).isEqualTo(content.length - from - 1000L);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void theSameContentTwiceIsKeptOnce() throws Exception {
        byte[] content = random(ChunkedBlobs.CHUNK_SIZE * 2 + 1, 3);
        Blob first = write(content);
        Blob second = write(content);

        assertThat(second.hash()).isEqualTo(first.hash());
        assertThat(count("SELECT count(*) FROM chunked_blobs")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM blob_chunks")).isEqualTo(3);
        try (InputStream in = blobs.open(first.hash())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void aWriterClosedWithoutFinishingLeavesNothing() throws Exception {
        try (OutputStream w = blobs.create()) {
            w.write(random(ChunkedBlobs.CHUNK_SIZE * 3, 4));
        }

        assertThat(count("SELECT count(*) FROM blob_chunks")).isZero();
        assertThat(count("SELECT count(*) FROM blob_uploads")).isZero();
        assertThat(count("SELECT count(*) FROM chunked_blobs")).isZero();
    }

    @Test
    void anUploadWhoseNodeStoppedMidWriteIsSweptOnceItIsOld() throws Exception {
        Blobs.BlobWriter abandoned = blobs.create();
        abandoned.write(random(ChunkedBlobs.CHUNK_SIZE + 1, 5));
        abandoned.flush();
        Blob kept = write(random(ChunkedBlobs.CHUNK_SIZE + 1, 6));

        assertThat(blobs.sweepAbandoned()).as("still young: its node may be writing").isZero();
        db.write(c -> c.createStatement().executeUpdate("UPDATE blob_uploads SET started = started - " + (ChunkedBlobs.ABANDONED_MILLIS + 1000)));
        assertThat(blobs.sweepAbandoned()).isEqualTo(1);

        assertThat(count("SELECT count(*) FROM blob_uploads")).isZero();
        assertThat(count("SELECT count(*) FROM blob_chunks")).as("only the finished blob's two chunks").isEqualTo(2);
        try (InputStream in = blobs.open(kept.hash())) {
            assertThat(sha256(in)).isEqualTo(kept.hash());
        }
    }

    @Test
    void aMissingBlobIsUnreadableNotAnIoError() {
        assertThatThrownBy(() -> blobs.open("0".repeat(64))).isInstanceOf(BlobUnreadable.class);
    }

    @Test
    void aMissingChunkIsUnreadableWhenTheReadReachesIt() throws Exception {
        byte[] content = random(ChunkedBlobs.CHUNK_SIZE * 2, 7);
        Blob blob = write(content);
        db.write(c -> c.createStatement().executeUpdate("DELETE FROM blob_chunks WHERE seq = 1"));

        try (InputStream in = blobs.open(blob.hash())) {
            assertThat(in.readNBytes(ChunkedBlobs.CHUNK_SIZE)).isEqualTo(java.util.Arrays.copyOf(content, ChunkedBlobs.CHUNK_SIZE));
            assertThatThrownBy(in::read).isInstanceOf(BlobUnreadable.class);
        }
    }

    @Test
    void behindTheInlineStoreSmallBodiesStayInlineAndLargeOnesAreChunked() throws Exception {
        SqlBlobs store = new SqlBlobs(db, blobs, 1024);
        Blob small;
        try (Blobs.BlobWriter w = store.create()) {
            w.write(random(1000, 8));
            small = w.finish();
        }
        byte[] large = random(300_000, 9);
        Blob big;
        try (Blobs.BlobWriter w = store.create()) {
            w.write(large, 0, 1000);
            w.write(large, 1000, large.length - 1000);
            big = w.finish();
        }

        assertThat(small.content()).as("rides with the rows that will name it").hasSize(1000);
        assertThat(big.content()).isNull();
        try (InputStream in = store.open(big.hash())) {
            assertThat(in.readAllBytes()).isEqualTo(large);
        }
        assertThat(store.bytesInDatabase()).as("the chunked ones count too (the blob-size metric)").isEqualTo(300_000);
    }

    private Blob write(byte[] content) throws IOException {
        try (Blobs.BlobWriter w = blobs.create()) {
            w.write(content);
            return w.finish();
        }
    }

    private long count(String sql) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static String sha256(InputStream in) throws Exception {
        DigestInputStream digest = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
        digest.transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(digest.getMessageDigest().digest());
    }
}
