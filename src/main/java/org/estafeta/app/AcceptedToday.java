package org.estafeta.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import org.estafeta.delivery.Inbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Messages accepted today" (admin status) across a restart: one line {@code 2026-11-30 42} in
 * {@code DATA/accepted-today}, written when the server stops and read when it starts. A statistic,
 * not mail: a kill -9 loses the day's count so far, and that is all it loses.
 */
final class AcceptedToday {

    private static final Logger log = LoggerFactory.getLogger(AcceptedToday.class);
    private static final String FILE = "accepted-today";

    private AcceptedToday() {
    }

    static void restore(Path dataDir, Inbound delivery) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) return;
        try {
            String[] parts = Files.readString(file).strip().split(" ");
            delivery.restoreAcceptedToday(LocalDate.parse(parts[0]), Long.parseLong(parts[1]));
        } catch (IOException | RuntimeException e) {
            log.warn("{}: unreadable ({}), today's count starts at 0", file, e.toString());
        }
    }

    static void save(Path dataDir, Inbound delivery) {
        Path file = dataDir.resolve(FILE), temp = dataDir.resolve(FILE + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, org.estafeta.store.PrivateFiles.file());  // 0600 like everything in DATA
            Files.writeString(temp, LocalDate.now() + " " + delivery.acceptedToday() + "\n");
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("{}: cannot save today's count: {}", file, e.toString());
        }
    }
}
