package org.estafeta.store;

/**
 * Message content named by the SHA-256 of its bytes. {@code content} is null for a blob already
 * durable on its own (a file, fsynced with its folder entry); a small one carries its bytes instead,
 * and becomes durable in the same commit as the rows that name it.
 */
public record Blob(String hash, long size, byte[] content) {

    /** A blob that is already stored. */
    public Blob(String hash, long size) {
        this(hash, size, null);
    }
}
