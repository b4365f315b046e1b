package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.estafeta.store.Blob;
import org.estafeta.store.BlobUnreadable;
import org.estafeta.store.Envelope;
import org.estafeta.store.FileBlobs;
import org.estafeta.store.Intake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small message bodies are kept in the database with the rows that name them, larger ones as files;
 * either way a blob is named by its SHA-256 and reads back byte for byte.
 */
class SqlBlobsTest {

    private static final int INLINE_MAX = 1024;

    @TempDir
    Path dir;
    private SqlDatabase db;
    private SqlBlobs blobs;

    @BeforeEach
    void open() {
        db = SqlDatabase.openSqlite(dir);
        blobs = new SqlBlobs(db, new FileBlobs(dir.resolve("blobs")), INLINE_MAX);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void upToTheLimitTheContentTravelsWithTheRowsAndNoFileIsWritten() throws Exception {
        byte[] content = bytes(INLINE_MAX);
        Blob blob = write(content);

        assertThat(blob.hash()).isEqualTo(sha256(content));
        assertThat(blob.content()).isEqualTo(content);
        assertThat(blobFiles()).isEmpty();
        assertThatThrownBy(() -> blobs.open(blob.hash()).close()).as("not stored before a row names it").isInstanceOf(BlobUnreadable.class);

        queue(blob);
        try (InputStream in = blobs.open(blob.hash())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(blobs.bytesInDatabase()).isEqualTo(INLINE_MAX);
    }

    @Test
    void beyondTheLimitItIsAFileWrittenAsItStreams() throws Exception {
        byte[] content = bytes(INLINE_MAX + 1);
        Blob blob;
        try (var w = blobs.create()) {
            // In pieces, across the limit: what was buffered goes to the file first.
            w.write(content, 0, 1000);
            w.write(content[1000]);
            w.write(content, 1001, content.length - 1001);
            blob = w.finish();
        }

        assertThat(blob.hash()).isEqualTo(sha256(content));
        assertThat(blob.content()).as("already durable on its own").isNull();
        assertThat(blobFiles()).hasSize(1);
        try (InputStream in = blobs.open(blob.hash())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(blobs.bytesInDatabase()).isZero();
    }

    @Test
    void theSameContentTwiceIsKeptOnce() throws Exception {
        byte[] content = bytes(100);
        queue(write(content));
        queue(write(content));

        assertThat(blobs.bytesInDatabase()).isEqualTo(100);
    }

    @Test
    void aLimitOfZeroMakesEveryBlobAFile() throws Exception {
        SqlBlobs filesOnly = new SqlBlobs(db, new FileBlobs(dir.resolve("blobs")), 0);
        Blob blob;
        try (var w = filesOnly.create()) {
            w.write(bytes(10));
            blob = w.finish();
        }

        assertThat(blob.content()).isNull();
        assertThat(blobFiles()).hasSize(1);
    }

    @Test
    void aWriterClosedWithoutFinishingLeavesNothing() throws Exception {
        try (var w = blobs.create()) {
            w.write(bytes(INLINE_MAX * 3));
        }

        assertThat(blobFiles()).isEmpty();
        try (Stream<Path> tmp = Files.list(dir.resolve("blobs/tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    private Blob write(byte[] content) throws IOException {
        try (var w = blobs.create()) {
            w.write(content);
            return w.finish();
        }
    }

    /** A row that names the blob, committed the way arriving mail is. */
    private void queue(Blob blob) {
        new SqlIntake(db, new org.estafeta.events.MailboxEvents()).acceptAll(List.of(new Intake.Arrival(blob, Instant.now(), List.of(),
                List.of(new Intake.Outgoing("q" + System.nanoTime(), new Envelope("a@b.test", null, null, List.of(new Envelope.Recipient("c@d.test", null, null))))), null)));
    }

    private List<Path> blobFiles() throws IOException {
        try (Stream<Path> all = Files.walk(dir.resolve("blobs"))) {
            return all.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp")).toList();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'a');
        b[n - 1] = (byte) n;
        return b;
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
