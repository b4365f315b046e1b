package org.estafeta.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** Keys the server makes for itself on first start and keeps in the data directory (owner-only). */
final class Secrets {

    private static final int LENGTH = 32;

    private Secrets() {
    }

    /** The key in {@code file}, made (32 random bytes, mode 0600) if there is none yet. */
    static byte[] load(Path file) {
        try {
            if (Files.exists(file)) return Files.readAllBytes(file);
            Files.createDirectories(file.getParent());
            byte[] key = new byte[LENGTH];
            new SecureRandom().nextBytes(key);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException e) {
                return Files.readAllBytes(file);
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.write(file, key, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
