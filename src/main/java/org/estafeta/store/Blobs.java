package org.estafeta.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Content-addressed message files. */
public interface Blobs {

    /** A new blob being written; {@link BlobWriter#finish()} makes it durable and names it. */
    BlobWriter create() throws IOException;

    /**
     * The blob's content. Failing to open or read it throws {@link BlobUnreadable} (from the stream's
     * reads too), never a plain IOException, so that callers can tell it from their peer's errors.
     */
    InputStream open(String hash);

    /** Streams content in; {@code close()} without {@code finish()} discards it. */
    abstract class BlobWriter extends OutputStream {
        public abstract Blob finish() throws IOException;
    }
}
