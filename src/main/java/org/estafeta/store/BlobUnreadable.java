package org.estafeta.store;

/**
 * A stored message body cannot be read (missing file, permissions, disk error). A store failure, not
 * an I/O error of the client's connection: sessions answer it with their "try again later" reply and
 * go on, where a socket error would end them.
 */
public final class BlobUnreadable extends StoreException {
    public BlobUnreadable(String hash, Throwable cause) {
        super("cannot read blob " + hash, cause);
    }
}
