package org.estafeta.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data dir holds every user's mail and password hashes: only the server's user may read it,
 * whatever the umask, and a data dir left readable by an older version is fixed at start.
 */
class DataDirPermissionsTest {

    @TempDir
    Path parent;

    @Test
    void newDataDirAndEverythingInItArePrivate() throws Exception {
        Path data = parent.resolve("data");
        // Every body in a file (none inline in the database), so that the blob files' modes are seen too.
        TestServer server = TestServer.start(data, Map.of("store.inline_blob_size", "0"), true);
        try {
            server.deliver(TestServer.USER, "Subject: privado\r\n\r\nnadie más\r\n");
            try (Stream<Path> blobs = Files.walk(data.resolve("blobs"))) {
                assertThat(blobs.filter(Files::isRegularFile).toList()).as("the message body is a file").isNotEmpty();
            }
            assertThat(modes(data)).isNotEmpty().allSatisfy(m -> assertThat(m).matches(".*: (rwx------|rw-------)"));
            assertThat(names(data)).contains("estafeta.db", "estafeta.db-wal", "cert.pem", "key.pem");
        } finally {
            server.close();
        }
    }

    @Test
    void anExistingReadableDataDirIsMadePrivateAtStart() throws Exception {
        Path data = parent.resolve("old");
        TestServer.start(data, Map.of(), true).close();
        Files.writeString(data.resolve("estafeta.toml"), "[smtp]\n");
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        TestServer server = TestServer.start(data, Map.of(), false);
        try {
            assertThat(modes(data)).allSatisfy(m -> assertThat(m).matches(".*: (rwx------|rw-------)"));
        } finally {
            server.close();
        }
    }

    private static List<String> modes(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) out.add(dir.relativize(p) + ": " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
        return out;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> p.getFileName().toString()).toList();
        }
    }
}
