package org.estafeta.store;

import java.nio.file.Path;

/**
 * Message content written to disk and fsynced, named by the SHA-256 of its bytes. {@code directory}
 * is the folder whose entry for it must still be fsynced before the rows referring to it commit.
 */
public record Blob(String hash, long size, Path directory) {
}
