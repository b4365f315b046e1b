package org.estafeta.app;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.estafeta.config.Config;
import org.estafeta.config.ConfigKey;
import org.estafeta.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP and {@code estafeta reload}: the configuration is read again and what can change without
 * dropping a session changes. The mail listeners take new settings for the sessions that start after
 * the reload (sessions already open keep theirs, so none is dropped); the other keys are bound into
 * sockets, pools and threads made at start, and a change to them is logged as needing a restart.
 * Then every reload listener runs (the certificate source re-reads its files there), changed or not.
 */
final class Reload {

    private static final Logger log = LoggerFactory.getLogger(Reload.class);

    /**
     * The keys a reload applies, each read when a session starts (the Smtp/Pop3/ImapSettings of the
     * listeners) or at each request (metrics). Everything else needs a restart.
     */
    static final Set<ConfigKey> APPLIED = EnumSet.of(
            ConfigKey.NET_LENIENT_NETWORKS, ConfigKey.SMTP_RELAY_NETWORKS, ConfigKey.SMTP_VRFY_LOCAL_USERS, ConfigKey.SMTP_BANNER,
            ConfigKey.LIMITS_LINE_LENGTH, ConfigKey.LIMITS_MESSAGE_SIZE, ConfigKey.LIMITS_RECIPIENTS, ConfigKey.LIMITS_ERRORS,
            ConfigKey.LIMITS_IMAP_LINE_LENGTH, ConfigKey.LIMITS_IMAP_LITERAL, ConfigKey.LIMITS_IMAP_COMMAND_LITERALS,
            ConfigKey.LIMITS_IMAP_SEARCH_KEYS, ConfigKey.IMAP_IDLE_TIMEOUT, ConfigKey.POP3_IDLE_TIMEOUT, ConfigKey.POP3_RETR_SETS_SEEN,
            ConfigKey.SERVER_SHUTDOWN_TIMEOUT, ConfigKey.METRICS_ALLOW, ConfigKey.METRICS_TOKEN);

    private final Supplier<ConfigLoader.Effective> source;
    /** What applies a new configuration: the listeners' settings, the metrics' access. */
    private final List<Consumer<Config>> appliers = new CopyOnWriteArrayList<>();
    /** Run after every reload, changed or not (certificates); the coordinator's plug-in point. */
    private final List<Consumer<Config>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** The values in effect: a key that needs a restart keeps its start value, and is reported at every reload until then. */
    private final Map<ConfigKey, Object> effective;

    /** {@code source} null: a server started from a Config alone (tests); listeners may still be added, a reload says it cannot. */
    Reload(Supplier<ConfigLoader.Effective> source, ConfigLoader.Effective started) {
        this.source = source;
        this.effective = new java.util.EnumMap<>(ConfigKey.class);
        if (started != null) effective.putAll(started.values());
    }

    void applyWith(Consumer<Config> applier) {
        appliers.add(applier);
    }

    void addListener(Consumer<Config> listener) {
        listeners.add(listener);
    }

    /** Reads the configuration again and applies it; one line per change, for the log and the CLI. */
    List<String> run() {
        if (source == null) return List.of("error: this server was started without a configuration file to read again");
        lock.lock();
        try {
            ConfigLoader.Effective next;
            try {
                next = source.get();
            } catch (IllegalArgumentException e) {
                log.error("reload: the configuration has an error, nothing changed: {}", e.getMessage());
                return List.of("error: " + e.getMessage().replaceAll("\\p{Cntrl}", "?") + " (nothing changed)");
            }
            List<String> out = new ArrayList<>();
            boolean restart = false;
            for (ConfigKey k : ConfigKey.values()) {
                Object now = next.values().get(k);
                if (Objects.equals(effective.get(k), now)) continue;
                if (APPLIED.contains(k)) {
                    out.add("applied: " + k.key + " (new sessions)");
                    effective.put(k, now);
                } else {
                    out.add("needs a restart: " + k.key);
                    restart = true;
                }
            }
            for (Consumer<Config> a : appliers) a.accept(next.config());
            for (Consumer<Config> l : listeners) l.accept(next.config());
            if (out.isEmpty()) out.add("no configuration change");
            for (String line : out) {
                if (line.startsWith("needs")) log.warn("reload: {}", line);
                else log.info("reload: {}", line);
            }
            if (restart) log.warn("reload: the keys above keep their old values until the server is restarted");
            return out;
        } finally {
            lock.unlock();
        }
    }
}
