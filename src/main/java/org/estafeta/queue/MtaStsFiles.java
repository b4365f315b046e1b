package org.estafeta.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.estafeta.mailauth.MtaSts;
import org.estafeta.mailauth.MtaStsPolicy;
import org.estafeta.store.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policy cache (RFC 8461 §5.1 requires using a cached policy when a new one cannot be had,
 * which must hold across a restart): one file per domain under {@code DATA/mta-sts/}, written whole
 * and renamed into place, with its TXT id and fetch time above the policy text; read once, then kept
 * in memory. A file that cannot be read or parsed is as if there were none.
 */
final class MtaStsFiles implements MtaSts.Cache {

    private static final Logger log = LoggerFactory.getLogger(MtaStsFiles.class);

    private final Path dir;
    private final Map<String, Optional<MtaSts.Cached>> memory = new ConcurrentHashMap<>();

    MtaStsFiles(Path dir) {
        this.dir = dir;
    }

    @Override
    public Optional<MtaSts.Cached> load(String domain) {
        return memory.computeIfAbsent(domain, this::read);
    }

    @Override
    public void store(String domain, MtaSts.Cached cached) {
        memory.put(domain, Optional.of(cached));
        Path file = file(domain);
        if (file == null) return;
        try {
            PrivateFiles.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.writeString(tmp, "id: " + cached.id() + "\nfetched: " + cached.fetched().getEpochSecond() + "\n\n" + cached.policy().text(),
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Still in memory; only a restart before the next fetch would forget it.
            log.warn("cannot keep the MTA-STS policy of {} in {}: {}", domain, dir, e.toString());
        }
    }

    private Optional<MtaSts.Cached> read(String domain) {
        Path file = file(domain);
        if (file == null || !Files.exists(file)) return Optional.empty();
        try {
            String all = Files.readString(file, StandardCharsets.UTF_8);
            int blank = all.indexOf("\n\n");
            String[] head = all.substring(0, blank).split("\n");
            String id = head[0].substring("id: ".length());
            Instant fetched = Instant.ofEpochSecond(Long.parseLong(head[1].substring("fetched: ".length())));
            return Optional.of(new MtaSts.Cached(id, MtaStsPolicy.parse(all.substring(blank + 2)), fetched));
        } catch (IOException | RuntimeException | MtaStsPolicy.Invalid e) {
            log.warn("ignoring the cached MTA-STS policy {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** The file of a domain in A-labels, or null for a name that could climb out of the directory. */
    private Path file(String domain) {
        if (!domain.matches("[a-z0-9][a-z0-9.-]{0,252}") || domain.contains("..")) return null;
        return dir.resolve(domain);
    }
}
