package org.estafeta.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory holds everybody's mail, password hashes, SCRAM keys and the TLS private key, so
 * it belongs to the server's user alone: directories 0700, files 0600, set when each is created
 * rather than left to the umask (0022 on the lab machines makes them world-readable). On a file
 * system without POSIX permissions these are no-ops.
 */
public final class PrivateFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** For {@code Files.createFile}, {@code FileChannel.open}: a file only its owner can read. */
    public static FileAttribute<?>[] file() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
    }

    /** Creates {@code dir} and any missing parents, those made here 0700. */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) createDirectories(parent);
        try {
            Files.createDirectory(dir, POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY_MODE)} : new FileAttribute<?>[0]);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made by another thread meanwhile; fine as long as it is a directory
            if (!Files.isDirectory(dir)) throw e;
        }
    }

    /**
     * Makes an existing data directory private: every directory in it 0700 and every file 0600
     * (symbolic links are left alone). Returns how many had looser modes.
     */
    public static int restrict(Path dataDir) throws IOException {
        if (!POSIX || !Files.isDirectory(dataDir)) return 0;
        int changed = 0;
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) continue;
                Set<PosixFilePermission> wanted = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIRECTORY_MODE : FILE_MODE;
                Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (!wanted.containsAll(now) || (wanted == DIRECTORY_MODE && !now.containsAll(DIRECTORY_MODE))) {
                    Files.setPosixFilePermissions(p, wanted);
                    changed++;
                }
            }
        }
        return changed;
    }
}
