package org.estafeta.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.estafeta.store.LeaseOwner;
import org.estafeta.store.PrivateFiles;

/**
 * This node's id, made at its first start and kept in {@code DATA/node-id}: what stays the same when
 * a node restarts (its data dir, which one server at a time holds) rather than its host name, which
 * the nodes of a cluster behind one MX name may well share. A data dir copied to make a new node must
 * lose this file, or the two would free each other's queue leases when they start.
 */
final class NodeId {

    static final String FILE = "node-id";

    private NodeId() {
    }

    static String of(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                Path fresh = Files.createTempFile(dataDir, FILE, ".new", PrivateFiles.file());
                Files.writeString(fresh, LeaseOwner.randomId(8) + "\n", StandardCharsets.US_ASCII);
                try {
                    // A hard link fails when the name exists (rename would replace it): whoever made it first wins.
                    Files.createLink(file, fresh);
                } catch (FileAlreadyExistsException e) {
                    // Another process (a CLI command) made it at the same moment.
                } finally {
                    Files.delete(fresh);
                }
            }
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make " + file, e);
        }
    }
}
