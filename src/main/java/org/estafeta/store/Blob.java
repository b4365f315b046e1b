package org.estafeta.store;

/** Message content written to disk and fsynced (with its folder entry), named by the SHA-256 of its bytes. */
public record Blob(String hash, long size) {
}
