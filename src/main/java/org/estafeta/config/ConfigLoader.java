package org.estafeta.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;

/** Builds a {@link Config} from defaults, then the TOML file, then {@code --set key=value} overrides. */
public final class ConfigLoader {

    /** Listener ports are the standard ones plus this, so that no root is needed (DESIGN.md). */
    public static final int DEFAULT_PORT_OFFSET = 3000;

    private final Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);

    /** How unknown and renamed keys are taken: warnings (the default), or errors under {@code --strict}. */
    public enum Strictness { LENIENT, STRICT }

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private final List<String> warnings = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    /**
     * @param file the TOML file, or null to use {@code DATA/estafeta.toml} when it exists
     * @param portOffset added to the standard ports that were not set explicitly
     */
    public static Config load(Path dataDir, Path file, Map<String, String> overrides, int portOffset) {
        return load(dataDir, file, overrides, portOffset, Strictness.LENIENT);
    }

    /**
     * As above; unknown and renamed keys are logged as warnings and the rest of the file applies,
     * so that a configuration written for another version never stops the server, except under
     * {@link Strictness#STRICT}, where they refuse like a wrong value does.
     */
    public static Config load(Path dataDir, Path file, Map<String, String> overrides, int portOffset, Strictness strictness) {
        return loader(read(dataDir, file), overrides, portOffset).finish(dataDir, strictness);
    }

    /**
     * As {@link #load} for TOML held in memory ({@code source} names it in messages), leniently; the file
     * path reads the file and goes the same way.
     */
    static Config load(Path dataDir, String source, byte[] toml, Map<String, String> overrides, int portOffset) {
        ConfigLoader loader = new ConfigLoader();
        loader.readToml(source, toml);
        return loader(loader, overrides, portOffset).finish(dataDir, Strictness.LENIENT);
    }

    private Config finish(Path dataDir, Strictness strictness) {
        List<String> refusals = new ArrayList<>(errors);
        if (strictness == Strictness.STRICT) refusals.addAll(warnings);
        if (!refusals.isEmpty()) throw new IllegalArgumentException(oneLine(String.join("; ", refusals)));
        warnings.forEach(w -> log.warn("configuration: {}; starting anyway (--strict refuses)", oneLine(w)));
        try {
            return build(dataDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(oneLine(e.getMessage()), e);
        }
    }

    /**
     * A message the CLI prints on one line: messages quote the file, and a control character there (a
     * CR after a backslash in a quoted table name, found by fuzzing) would break the line or the terminal.
     */
    private static String oneLine(String message) {
        StringBuilder out = new StringBuilder(message.length());
        message.codePoints().forEach(c -> {
            if (c == '\r') out.append("\\r");
            else if (c == '\n') out.append("\\n");
            else if (c == '\t') out.append("\\t");
            else if (Character.isISOControl(c)) out.append(String.format("\\u%04x", c));
            else out.appendCodePoint(c);
        });
        return out.toString();
    }

    /** A configuration with the value of every key behind it (defaults included), so that a reload can tell what changed. */
    public record Effective(Config config, Map<ConfigKey, Object> values) {
        public Effective {
            values = Map.copyOf(values);
        }
    }

    /** As {@link #load}, with the values (for {@code estafeta reload} and SIGHUP). */
    public static Effective loadEffective(Path dataDir, Path file, Map<String, String> overrides, int portOffset, Strictness strictness) {
        Config config = load(dataDir, file, overrides, portOffset, strictness);
        ConfigLoader loader = read(dataDir, file, overrides, portOffset);
        Map<ConfigKey, Object> all = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) all.put(k, loader.get(k));
        return new Effective(config, all);
    }

    /**
     * Everything wrong with a configuration file, for {@code estafeta config check}: each line
     * starts with {@code warning:} (the server starts anyway) or {@code error:} (it does not).
     */
    public static List<String> check(Path dataDir, Path file) {
        ConfigLoader loader = read(dataDir, file, Map.of(), DEFAULT_PORT_OFFSET);
        List<String> out = new ArrayList<>();
        loader.errors.forEach(e -> out.add("error: " + oneLine(e)));
        loader.warnings.forEach(w -> out.add("warning: " + oneLine(w)));
        if (loader.errors.isEmpty()) {
            try {
                loader.build(dataDir);
            } catch (IllegalArgumentException e) {
                out.add("error: " + oneLine(e.getMessage()));
            }
        }
        return out;
    }

    private static ConfigLoader read(Path dataDir, Path file, Map<String, String> overrides, int portOffset) {
        return loader(read(dataDir, file), overrides, portOffset);
    }

    /** A loader holding what the file says, if there is one. */
    private static ConfigLoader read(Path dataDir, Path file) {
        ConfigLoader loader = new ConfigLoader();
        Path toml = file != null ? file : dataDir.resolve("estafeta.toml");
        if (file != null || Files.exists(toml)) {
            try {
                loader.readToml(toml.toString(), Files.readAllBytes(toml));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + toml + ": " + e.getMessage());
            }
        }
        return loader;
    }

    /** The loader with the command line's overrides and the port offset applied. */
    private static ConfigLoader loader(ConfigLoader loader, Map<String, String> overrides, int portOffset) {
        overrides.forEach((name, value) -> loader.key("--set " + name, name).ifPresent(key -> loader.set(key, value)));
        for (ConfigKey port : List.of(ConfigKey.PORTS_SMTP, ConfigKey.PORTS_SUBMISSION, ConfigKey.PORTS_SMTPS, ConfigKey.PORTS_ODMR,
                ConfigKey.PORTS_POP3, ConfigKey.PORTS_POP3S, ConfigKey.PORTS_IMAP, ConfigKey.PORTS_IMAPS, ConfigKey.PORTS_MANAGESIEVE)) {
            if (!loader.values.containsKey(port)) loader.values.put(port, (Long) port.defaultValue + portOffset);
        }
        return loader;
    }

    /** The key a name in the file or on the command line means, noting old and unknown names. */
    private java.util.Optional<ConfigKey> key(String where, String name) {
        java.util.Optional<ConfigKey> key = ConfigKey.find(name);
        if (key.isPresent()) return key;
        java.util.Optional<ConfigKey> renamed = ConfigKey.renamedFrom(name);
        if (renamed.isPresent()) {
            warnings.add(where + ": " + name + " is deprecated, use " + renamed.get().key + " (it still works)");
            return renamed;
        }
        warnings.add(where + ": unknown key " + name + " (did you mean " + ConfigKey.nearest(name).key + "?)");
        return java.util.Optional.empty();
    }

    private void readToml(String file, byte[] bytes) {
        String text = utf8(bytes);
        if (text == null) {
            // tomlj reads the file itself as UTF-8 and says only "Input length = 1" about a bad byte (found by fuzzing).
            errors.add(file + ": not UTF-8 text (a TOML file must be, TOML 1.0) at line " + lineOfBadByte(bytes));
            return;
        }
        TomlParseResult toml;
        try {
            toml = Toml.parse(text);
        } catch (TomlParseError e) {
            // tomlj collects most errors but throws some, e.g. a bad escape in a quoted table name (found by fuzzing).
            errors.add(file + ": " + e);
            return;
        }
        if (toml.hasErrors()) {
            toml.errors().forEach(e -> errors.add(file + ": " + e.toString()));
            return;
        }
        for (String dotted : toml.dottedKeySet()) {
            java.util.Optional<ConfigKey> found = key(file, dotted);
            if (found.isEmpty()) continue;
            ConfigKey key = found.get();
            Object raw = toml.get(dotted);
            try {
                values.put(key, switch (key.type) {
                    case STRING -> expect(key, raw, String.class);
                    case INT -> expect(key, raw, Long.class);
                    case BOOL -> expect(key, raw, Boolean.class);
                    case LIST -> {
                        TomlArray array = expect(key, raw, TomlArray.class);
                        List<String> list = new ArrayList<>();
                        for (int i = 0; i < array.size(); i++) list.add(String.valueOf(array.get(i)));
                        yield list;
                    }
                });
            } catch (IllegalArgumentException e) {
                errors.add(file + ": " + e.getMessage());
            }
        }
    }

    /** The text, or null when the bytes are not UTF-8. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int lineOfBadByte(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(bytes.length), true);
        int line = 1;
        for (int i = 0; i < in.position(); i++) if (bytes[i] == '\n') line++;
        return line;
    }

    private static <T> T expect(ConfigKey key, Object raw, Class<T> type) {
        if (!type.isInstance(raw)) {
            throw new IllegalArgumentException(key.key + " must be " + key.type.name().toLowerCase(Locale.ROOT));
        }
        return type.cast(raw);
    }

    /** Applies one {@code --set} override; lists are comma-separated, an empty value is an empty list. */
    private void set(ConfigKey key, String text) {
        String name = key.key;
        try {
            values.put(key, parse(key, name, text));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
    }

    private static Object parse(ConfigKey key, String name, String text) {
        return switch (key.type) {
            case STRING -> text;
            case INT -> {
                try {
                    yield Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " must be an integer, was '" + text + "'");
                }
            }
            case BOOL -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, was '" + text + "'");
            };
            case LIST -> text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::strip).toList();
        };
    }

    private Object get(ConfigKey key) {
        return values.getOrDefault(key, key.defaultValue);
    }

    private String string(ConfigKey key) {
        return (String) get(key);
    }

    private int integer(ConfigKey key) {
        long v = (Long) get(key);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) throw new IllegalArgumentException(key.key + " is out of range");
        return (int) v;
    }

    private Duration seconds(ConfigKey key) {
        return Duration.ofSeconds((Long) get(key));
    }

    @SuppressWarnings("unchecked")
    private List<String> list(ConfigKey key) {
        return (List<String>) get(key);
    }

    private Config build(Path dataDir) {
        String hostname = string(ConfigKey.SERVER_HOSTNAME);
        if (hostname.isBlank()) hostname = localHostName();
        List<String> domains = list(ConfigKey.SERVER_DOMAINS);
        if (domains.isEmpty()) domains = hostname.equals("localhost") ? List.of("localhost") : List.of("localhost", hostname);
        String cert = string(ConfigKey.TLS_CERTIFICATE), key = string(ConfigKey.TLS_PRIVATE_KEY);
        return new Config(
                new Config.Server(hostname.toLowerCase(Locale.ROOT), dataDir, string(ConfigKey.SERVER_BIND),
                        domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList()),
                new Config.Net(list(ConfigKey.NET_LENIENT_NETWORKS).stream().map(Cidr::parse).toList(),
                        list(ConfigKey.NET_PROXY_FROM).stream().map(Cidr::parse).toList()),
                new Config.Ports(integer(ConfigKey.PORTS_SMTP), integer(ConfigKey.PORTS_SUBMISSION), integer(ConfigKey.PORTS_SMTPS),
                        integer(ConfigKey.PORTS_ODMR),
                        integer(ConfigKey.PORTS_POP3), integer(ConfigKey.PORTS_POP3S), integer(ConfigKey.PORTS_IMAP), integer(ConfigKey.PORTS_IMAPS),
                        integer(ConfigKey.PORTS_MANAGESIEVE)),
                new Config.Web(integer(ConfigKey.WEB_PORT), integer(ConfigKey.WEB_TLS_PORT), (Boolean) get(ConfigKey.WEB_REDIRECT_HTTPS),
                        seconds(ConfigKey.WEB_SESSION_TIMEOUT)),
                new Config.Tls(cert.isBlank() ? null : Path.of(cert), key.isBlank() ? null : Path.of(key), seconds(ConfigKey.TLS_CHECK_INTERVAL),
                        string(ConfigKey.TLS_ACME_DIRECTORY), string(ConfigKey.TLS_ACME_EMAIL),
                        string(ConfigKey.TLS_ACME_TRUST).isBlank() ? null : Path.of(string(ConfigKey.TLS_ACME_TRUST)),
                        string(ConfigKey.TLS_ACME_CHALLENGE).strip().toLowerCase(Locale.ROOT)),
                new Config.Smtp(list(ConfigKey.SMTP_RELAY_NETWORKS).stream().map(Cidr::parse).toList(),
                        (Boolean) get(ConfigKey.SMTP_VRFY_LOCAL_USERS), string(ConfigKey.SMTP_BANNER),
                        (Boolean) get(ConfigKey.SMTP_CHECK_SENDER), atrnDomains()),
                new Config.Auth(integer(ConfigKey.AUTH_MAX_FAILURES), integer(ConfigKey.AUTH_MAX_FAILURES_PER_LOGIN),
                        integer(ConfigKey.AUTH_MAX_FAILURES_PER_ACCOUNT), seconds(ConfigKey.AUTH_FAILURE_WINDOW),
                        seconds(ConfigKey.AUTH_MAX_DELAY), seconds(ConfigKey.AUTH_CACHE_TTL), integer(ConfigKey.AUTH_MIN_PASSWORD_LENGTH)),
                new Config.Pop3((Boolean) get(ConfigKey.POP3_RETR_SETS_SEEN), seconds(ConfigKey.POP3_IDLE_TIMEOUT)),
                new Config.Limits(
                        integer(ConfigKey.LIMITS_LINE_LENGTH),
                        (Long) get(ConfigKey.LIMITS_MESSAGE_SIZE),
                        integer(ConfigKey.LIMITS_RECIPIENTS),
                        integer(ConfigKey.LIMITS_ERRORS),
                        integer(ConfigKey.LIMITS_CONNECTIONS_PER_IP),
                        integer(ConfigKey.LIMITS_CONNECTIONS),
                        Duration.ofSeconds((Long) get(ConfigKey.LIMITS_IDLE_TIMEOUT)),
                        (Long) get(ConfigKey.LIMITS_QUOTA),
                        integer(ConfigKey.LIMITS_IMAP_LINE_LENGTH),
                        (Long) get(ConfigKey.LIMITS_IMAP_LITERAL),
                        (Long) get(ConfigKey.LIMITS_IMAP_COMMAND_LITERALS),
                        integer(ConfigKey.LIMITS_IMAP_SEARCH_KEYS),
                        Duration.ofSeconds((Long) get(ConfigKey.IMAP_IDLE_TIMEOUT)),
                        Duration.ofSeconds((Long) get(ConfigKey.LIMITS_TLS_HANDSHAKE_TIMEOUT)),
                        Duration.ofSeconds((Long) get(ConfigKey.LIMITS_COMMAND_TIMEOUT)),
                        (Long) get(ConfigKey.LIMITS_MIN_DATA_RATE),
                        integer(ConfigKey.LIMITS_HOPS),
                        integer(ConfigKey.LIMITS_MIME_PARTS),
                        integer(ConfigKey.LIMITS_TRACE_BUFFER),
                        integer(ConfigKey.LIMITS_TRACE_EXCERPT_LINES),
                        integer(ConfigKey.LIMITS_HEADER_SIZE)),
                new Config.Queue(list(ConfigKey.DNS_SERVERS),
                        list(ConfigKey.QUEUE_RETRY_SCHEDULE).stream().map(d -> duration(ConfigKey.QUEUE_RETRY_SCHEDULE, d)).toList(),
                        duration(ConfigKey.QUEUE_MAX_AGE), duration(ConfigKey.QUEUE_DELAY_WARNING),
                        integer(ConfigKey.QUEUE_CONCURRENCY), integer(ConfigKey.QUEUE_CONNECTIONS_PER_DOMAIN),
                        duration(ConfigKey.QUEUE_POLL_INTERVAL), duration(ConfigKey.QUEUE_LEASE),
                        integer(ConfigKey.QUEUE_REMOTE_PORT), duration(ConfigKey.QUEUE_CONNECT_TIMEOUT),
                        duration(ConfigKey.QUEUE_COMMAND_TIMEOUT), pairs(ConfigKey.QUEUE_TRANSPORTS),
                        string(ConfigKey.QUEUE_SMARTHOST_USER), string(ConfigKey.QUEUE_SMARTHOST_PASSWORD)),
                new Config.Sieve(integer(ConfigKey.LIMITS_SIEVE_SCRIPT), integer(ConfigKey.LIMITS_SIEVE_SCRIPTS),
                        integer(ConfigKey.SIEVE_MAX_REDIRECTS), integer(ConfigKey.SIEVE_MAX_HOPS)),
                new Config.MailAuth((Boolean) get(ConfigKey.MAILAUTH_CHECK), action(ConfigKey.MAILAUTH_DMARC_REJECT),
                        action(ConfigKey.MAILAUTH_DMARC_QUARANTINE), action(ConfigKey.MAILAUTH_SPF_FAIL),
                        (Boolean) get(ConfigKey.MAILAUTH_DKIM_SIGN), duration(ConfigKey.DNS_TIMEOUT),
                        new Config.Spam(rspamdUrl(), integer(ConfigKey.SPAM_REJECT_SCORE), integer(ConfigKey.SPAM_JUNK_SCORE),
                                duration(ConfigKey.SPAM_TIMEOUT)),
                        new Config.MtaSts(mtaStsMode(), duration(ConfigKey.MTASTS_MAX_AGE), integer(ConfigKey.MTASTS_FETCH_PORT),
                                duration(ConfigKey.MTASTS_FETCH_TIMEOUT), integer(ConfigKey.MTASTS_MAX_POLICY_SIZE),
                                list(ConfigKey.TLS_TRUSTED_CAS).stream().map(Path::of).toList())),
                new Config.Search((Boolean) get(ConfigKey.SEARCH_BACKGROUND_INDEX)),
                new Config.Ops(seconds(ConfigKey.SERVER_SHUTDOWN_TIMEOUT),
                        list(ConfigKey.METRICS_ALLOW).stream().map(Cidr::parse).toList(), string(ConfigKey.METRICS_TOKEN)),
                new Config.Store(string(ConfigKey.STORE_URL).strip(), string(ConfigKey.STORE_USER), string(ConfigKey.STORE_PASSWORD),
                        integer(ConfigKey.STORE_POOL_SIZE), duration(ConfigKey.STORE_TIMEOUT), integer(ConfigKey.STORE_INLINE_BLOB_SIZE),
                        blobPlace()));
    }

    private Config.BlobPlace blobPlace() {
        return switch (string(ConfigKey.STORE_BLOBS).strip()) {
            case "" -> Config.Store.defaultBlobPlace(string(ConfigKey.STORE_URL).strip());
            case "files" -> Config.BlobPlace.FILES;
            case "database" -> Config.BlobPlace.DATABASE;
            default -> throw new IllegalArgumentException("store.blobs must be \"files\" or \"database\", was '" + string(ConfigKey.STORE_BLOBS) + "'");
        };
    }

    private String rspamdUrl() {
        String url = string(ConfigKey.SPAM_RSPAMD_URL).strip();
        if (!url.isEmpty() && !url.matches("https?://[^/\\s]+/?")) {
            throw new IllegalArgumentException("spam.rspamd_url must be http://host:port, was '" + url + "'");
        }
        return url;
    }

    private String mtaStsMode() {
        String m = string(ConfigKey.MTASTS_MODE).strip().toLowerCase(Locale.ROOT);
        if (!List.of("none", "testing", "enforce").contains(m)) throw new IllegalArgumentException("mtasts.mode must be none, testing or enforce, was '" + m + "'");
        return m;
    }

    private String action(ConfigKey key) {
        String a = string(key).strip().toLowerCase(Locale.ROOT);
        if (!List.of("reject", "junk", "accept").contains(a)) throw new IllegalArgumentException(key.key + " must be reject, junk or accept, was '" + a + "'");
        return a;
    }

    /** smtp.atrn_domains: {@code domain=user@ours} entries. */
    private java.util.Map<String, String> atrnDomains() {
        java.util.Map<String, String> out = pairs(ConfigKey.SMTP_ATRN_DOMAINS);
        for (var e : out.entrySet()) {
            if (e.getValue().indexOf('@') < 0) {
                throw new IllegalArgumentException("smtp.atrn_domains entries are domain=user@domain, was '" + e.getKey() + "=" + e.getValue() + "'");
            }
        }
        return out;
    }

    /** A list of {@code key=value} entries as a map, lower-cased. */
    private java.util.Map<String, String> pairs(ConfigKey key) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String entry : list(key)) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) throw new IllegalArgumentException(key.key + " entries are name=value, was '" + entry + "'");
            out.put(entry.substring(0, eq).strip().toLowerCase(Locale.ROOT), entry.substring(eq + 1).strip().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private Duration duration(ConfigKey key) {
        return duration(key, string(key));
    }

    /** {@code 90}, {@code 90s}, {@code 5m}, {@code 4h}, {@code 5d}. */
    static Duration duration(ConfigKey key, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) throw new IllegalArgumentException(key.key + " must be a duration such as 30s, 5m, 4h or 5d, was empty");
        try {
            char unit = t.charAt(t.length() - 1);
            long n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
            Duration d = switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Character.isDigit(unit) ? Duration.ofSeconds(n) : null;
            };
            if (d != null && !d.isNegative() && !d.isZero()) return d;
        } catch (NumberFormatException | ArithmeticException e) {
            // not a number, or more than a Duration holds: reported below
        }
        throw new IllegalArgumentException(key.key + " must be a duration such as 30s, 5m, 4h or 5d, was '" + text + "'");
    }

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.isBlank() ? "localhost" : name;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The effective configuration as TOML, for {@code estafeta config show}. */
    public static String show(Config c) {
        StringBuilder out = new StringBuilder();
        section(out, "server");
        line(out, "hostname", quote(c.server().hostname()));
        line(out, "domains", list(c.server().domains()));
        line(out, "bind", quote(c.server().bind()));
        section(out, "net");
        line(out, "lenient_networks", list(c.net().lenientNetworks().stream().map(Cidr::toString).toList()));
        line(out, "proxy_from", list(c.net().proxyFrom().stream().map(Cidr::toString).toList()));
        section(out, "ports");
        line(out, "smtp", c.ports().smtp());
        line(out, "submission", c.ports().submission());
        line(out, "smtps", c.ports().smtps());
        line(out, "odmr", c.ports().odmr());
        line(out, "pop3", c.ports().pop3());
        line(out, "pop3s", c.ports().pop3s());
        line(out, "imap", c.ports().imap());
        line(out, "imaps", c.ports().imaps());
        section(out, "web");
        line(out, "port", c.web().port());
        line(out, "tls_port", c.web().tlsPort());
        line(out, "redirect_https", c.web().redirectHttps());
        line(out, "session_timeout", c.web().sessionTimeout().toSeconds());
        section(out, "tls");
        line(out, "certificate", quote(c.tls().certificate() == null ? "" : c.tls().certificate().toString()));
        line(out, "private_key", quote(c.tls().privateKey() == null ? "" : c.tls().privateKey().toString()));
        line(out, "check_interval", c.tls().checkInterval().toSeconds());
        line(out, "acme_directory", quote(c.tls().acmeDirectory()));
        line(out, "acme_email", quote(c.tls().acmeEmail()));
        line(out, "acme_trust", quote(c.tls().acmeTrust() == null ? "" : c.tls().acmeTrust().toString()));
        line(out, "acme_challenge", quote(c.tls().acmeChallenge()));
        section(out, "smtp");
        line(out, "relay_networks", list(c.smtp().relayNetworks().stream().map(Cidr::toString).toList()));
        line(out, "vrfy_local_users", c.smtp().vrfyLocalUsers());
        line(out, "banner", quote(c.smtp().banner()));
        line(out, "check_sender", c.smtp().checkSender());
        line(out, "atrn_domains", list(c.smtp().atrnDomains().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        section(out, "auth");
        line(out, "max_failures", c.auth().maxFailures());
        line(out, "max_failures_per_login", c.auth().maxFailuresPerLogin());
        line(out, "max_failures_per_account", c.auth().maxFailuresPerAccount());
        line(out, "failure_window", c.auth().failureWindow().toSeconds());
        line(out, "max_delay", c.auth().maxDelay().toSeconds());
        line(out, "cache_ttl", c.auth().cacheTtl().toSeconds());
        section(out, "pop3");
        line(out, "retr_sets_seen", c.pop3().retrSetsSeen());
        line(out, "idle_timeout", c.pop3().idleTimeout().toSeconds());
        section(out, "imap");
        line(out, "idle_timeout", c.limits().imapIdleTimeout().toSeconds());
        section(out, "limits");
        Config.Limits l = c.limits();
        line(out, "line_length", l.lineLength());
        line(out, "message_size", l.messageSize());
        line(out, "recipients", l.recipients());
        line(out, "errors", l.errors());
        line(out, "connections_per_ip", l.connectionsPerIp());
        line(out, "connections", l.connections());
        line(out, "idle_timeout", l.idleTimeout().toSeconds());
        line(out, "quota", l.quota());
        line(out, "imap_line_length", l.imapLineLength());
        line(out, "imap_literal", l.imapLiteral());
        line(out, "imap_command_literals", l.imapCommandLiterals());
        line(out, "imap_search_keys", l.imapSearchKeys());
        line(out, "tls_handshake_timeout", l.tlsHandshakeTimeout().toSeconds());
        line(out, "command_timeout", l.commandTimeout().toSeconds());
        line(out, "min_data_rate", l.minDataRate());
        line(out, "hops", l.hops());
        section(out, "dns");
        Config.Queue q = c.queue();
        line(out, "servers", list(q.dnsServers()));
        line(out, "timeout", quote(human(c.mailAuth().dnsTimeout())));
        section(out, "mailauth");
        line(out, "check", c.mailAuth().check());
        line(out, "dmarc_reject", quote(c.mailAuth().dmarcReject()));
        line(out, "dmarc_quarantine", quote(c.mailAuth().dmarcQuarantine()));
        line(out, "spf_fail", quote(c.mailAuth().spfFail()));
        line(out, "dkim_sign", c.mailAuth().dkimSign());
        section(out, "spam");
        line(out, "rspamd_url", quote(c.mailAuth().spam().rspamdUrl()));
        line(out, "reject_score", c.mailAuth().spam().rejectScore());
        line(out, "junk_score", c.mailAuth().spam().junkScore());
        line(out, "timeout", quote(human(c.mailAuth().spam().timeout())));
        section(out, "queue");
        line(out, "retry_schedule", list(q.retrySchedule().stream().map(ConfigLoader::human).toList()));
        line(out, "max_age", quote(human(q.maxAge())));
        line(out, "delay_warning", quote(human(q.delayWarning())));
        line(out, "concurrency", q.concurrency());
        line(out, "connections_per_domain", q.connectionsPerDomain());
        line(out, "poll_interval", quote(human(q.pollInterval())));
        line(out, "lease", quote(human(q.lease())));
        line(out, "remote_port", q.remotePort());
        line(out, "connect_timeout", quote(human(q.connectTimeout())));
        line(out, "command_timeout", quote(human(q.commandTimeout())));
        line(out, "transports", list(q.transports().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        line(out, "smarthost_user", quote(q.smarthostUser()));
        line(out, "smarthost_password", quote(q.smarthostPassword().isEmpty() ? "" : "(set)"));
        return out.toString();
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) return s / 86400 + "d";
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    private static void section(StringBuilder out, String name) {
        if (!out.isEmpty()) out.append('\n');
        out.append('[').append(name).append("]\n");
    }

    private static void line(StringBuilder out, String key, Object value) {
        out.append(key).append(" = ").append(value).append('\n');
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String list(List<String> items) {
        return items.stream().map(ConfigLoader::quote).toList().toString();
    }
}
