package org.estafeta.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key with its type, default and meaning. This list is the single source for
 * parsing {@code estafeta.toml}, {@code --set} overrides, {@code config show} and docs/config.md.
 */
public enum ConfigKey {
    SERVER_HOSTNAME("server.hostname", Type.STRING, "", "Name in greetings and Received headers (default: this machine's host name)."),
    SERVER_DOMAINS("server.domains", Type.LIST, List.of(), "Domains added on the first start (default: localhost and the host name)."),
    SERVER_BIND("server.bind", Type.STRING, "", "Listening address (default: all addresses)."),
    SERVER_SHUTDOWN_TIMEOUT("server.shutdown_timeout", Type.INT, 30L,
            "Seconds a stopping server (SIGTERM) lets sessions finish what they are doing (a DATA transfer) before it cuts them; new commands get 421 4.3.2 at once."),
    STORE_URL("store.url", Type.STRING, "",
            "Where the mail metadata lives: empty = SQLite in the data dir (one node); postgresql://host:port/database (libpq style, "
                    + "user:password@ and ?sslmode=... allowed) = a PostgreSQL that several nodes share."),
    STORE_USER("store.user", Type.STRING, "", "PostgreSQL user (when not in store.url)."),
    STORE_PASSWORD("store.password", Type.STRING, "", "PostgreSQL password (when not in store.url)."),
    STORE_POOL_SIZE("store.pool_size", Type.INT, 10L, "PostgreSQL connections this node keeps open at most; a session waits for a free one."),
    STORE_TIMEOUT("store.timeout", Type.STRING, "5s",
            "How long a session waits for a PostgreSQL connection (the database down or every connection busy) before it answers 451 4.3.0 / NO [UNAVAILABLE]."),
    METRICS_ALLOW("metrics.allow", Type.LIST, List.of("127.0.0.0/8", "::1/128"),
            "Clients (CIDR) that may read /metrics on the web ports without a token. Empty = only with metrics.token."),
    METRICS_TOKEN("metrics.token", Type.STRING, "",
            "Bearer token that opens /metrics from any address (Authorization: Bearer TOKEN; Prometheus' bearer_token_file). Empty = none."),
    NET_LENIENT_NETWORKS("net.lenient_networks", Type.LIST, List.of("127.0.0.0/8", "::1/128"),
            "Clients (CIDR) where people type by hand (nc, telnet; a lab's subnet), in every protocol: LF.LF ends DATA, a bare HELO/EHLO "
                    + "and bare local parts are completed (the first domain), plaintext login before TLS, AUTH failures say why. "
                    + "Not relay (smtp.relay_networks). Empty = nobody."),
    NET_PROXY_FROM("net.proxy_from", Type.LIST, List.of(),
            "Load balancers (CIDR) whose connections, on every listener (mail and web), must begin with a PROXY protocol v1/v2 header "
                    + "(HAProxy send-proxy-v2) naming the real client, which logs, limits, relay_networks and Received headers then see; "
                    + "from them a connection without a valid header is closed. Empty = a PROXY header is never taken."),
    PORTS_SMTP("ports.smtp", Type.INT, 25L, "SMTP MX listener with STARTTLS; the default is 25 + the port offset (3000); -1 disables it."),
    PORTS_SUBMISSION("ports.submission", Type.INT, 587L, "Submission (RFC 6409) with STARTTLS and AUTH; the default is 587 + the port offset; -1 disables it."),
    PORTS_ODMR("ports.odmr", Type.INT, 366L, "On-Demand Mail Relay (RFC 2645, AUTH then ATRN); the default is 366 + the port offset; -1 disables it."),
    PORTS_SMTPS("ports.smtps", Type.INT, 465L, "Submission over implicit TLS (RFC 8314); the default is 465 + the port offset; -1 disables it."),
    PORTS_POP3("ports.pop3", Type.INT, 110L, "POP3 listener with STLS; the default is 110 + the port offset; -1 disables it."),
    PORTS_POP3S("ports.pop3s", Type.INT, 995L, "POP3 over implicit TLS; the default is 995 + the port offset; -1 disables it."),
    PORTS_IMAP("ports.imap", Type.INT, 143L, "IMAP listener with STARTTLS; the default is 143 + the port offset; -1 disables it."),
    PORTS_IMAPS("ports.imaps", Type.INT, 993L, "IMAP over implicit TLS; the default is 993 + the port offset; -1 disables it."),
    PORTS_MANAGESIEVE("ports.managesieve", Type.INT, 4190L,
            "ManageSieve (RFC 5804) listener with STARTTLS, for Sieve filter clients; the default is 4190 + the port offset; -1 disables it."),
    WEB_PORT("web.port", Type.INT, 8080L, "Webmail and admin over HTTP (not moved by the port offset); -1 disables it."),
    WEB_TLS_PORT("web.tls_port", Type.INT, 8443L, "Webmail and admin over HTTPS with the server's certificate (not moved by the port offset); -1 disables it."),
    WEB_REDIRECT_HTTPS("web.redirect_https", Type.BOOL, false,
            "The HTTP port only redirects to the HTTPS one (turn on where the HTTPS port is reachable by the same name)."),
    WEB_SESSION_TIMEOUT("web.session_timeout", Type.INT, 7200L, "Seconds a webmail session may stay unused before it must log in again."),
    TLS_CERTIFICATE("tls.certificate", Type.STRING, "", "PEM certificate chain (default: a self-signed one made in DATA/tls/)."),
    TLS_PRIVATE_KEY("tls.private_key", Type.STRING, "", "PEM private key matching tls.certificate."),
    TLS_TRUSTED_CAS("tls.trusted_cas", Type.LIST, List.of(),
            "PEM files of CAs trusted, besides the JDK's, where outbound TLS must be authenticated (MTA-STS policy fetch and enforce, "
                    + "REQUIRETLS): a private or test CA. Verification itself is never turned off."),
    TLS_CHECK_INTERVAL("tls.check_interval", Type.INT, 60L,
            "Seconds between looks at the certificate files: a changed one is served by new connections without a restart."),
    TLS_ACME_DIRECTORY("tls.acme_directory", Type.STRING, "",
            "ACME directory URL to get certificates from (e.g. https://acme-v02.api.letsencrypt.org/directory); empty: no ACME."),
    TLS_ACME_EMAIL("tls.acme_email", Type.STRING, "", "Contact address given to the ACME CA (expiry and policy notices); needed with tls.acme_directory."),
    TLS_ACME_TRUST("tls.acme_trust", Type.STRING, "",
            "PEM file of CA certificates trusted for a private ACME server's HTTPS (e.g. step-ca); empty: the JDK's trusted CAs."),
    TLS_ACME_CHALLENGE("tls.acme_challenge", Type.STRING, "auto",
            "How the ACME CA checks that a name is ours: http-01 (RFC 8555 §8.3, it fetches from port 80: web.port), tls-alpn-01 "
                    + "(RFC 8737, it connects to port 443: web.tls_port), or auto: tls-alpn-01 when web.tls_port is 443 and web.port is not 80, else http-01."),
    SMTP_RELAY_NETWORKS("smtp.relay_networks", Type.LIST, List.of("127.0.0.0/8", "::1/128"),
            "Clients (CIDR) that may relay to other domains without AUTH (leniency is net.lenient_networks). Empty = nobody."),
    SMTP_VRFY_LOCAL_USERS("smtp.vrfy_local_users", Type.BOOL, false, "VRFY answers 250/550 for local users (for labs) instead of 252."),
    SMTP_ATRN_DOMAINS("smtp.atrn_domains", Type.LIST, List.of(),
            "On-demand relay (RFC 2645): domain=user@ours entries; we take mail for the domain and hold it until that user fetches it with ATRN."),
    SMTP_CHECK_SENDER("smtp.check_sender", Type.BOOL, true,
            "Authenticated users may only send as their own address, an alias of it or user+tag (553 5.7.1 otherwise)."),
    SMTP_BANNER("smtp.banner", Type.STRING, "ESMTP Estafeta", "Text after the host name in the 220 greeting."),
    AUTH_MAX_FAILURES("auth.max_failures", Type.INT, 100L,
            "Failed logins from one client address, all accounts and protocols together, before the address is refused for the rest of auth.failure_window; coarse, above a classroom's typos behind one NAT; 0 = no limit."),
    AUTH_MAX_FAILURES_PER_LOGIN("auth.max_failures_per_login", Type.INT, 5L,
            "Failed logins for one account from one address before that pair is refused for the rest of auth.failure_window (a success clears it); 0 = no limit."),
    AUTH_MAX_FAILURES_PER_ACCOUNT("auth.max_failures_per_account", Type.INT, 10L,
            "Failed logins for one account from all addresses after which each further one doubles a delay (1 s, 2 s, 4 s, … up to auth.max_delay) during which the account is refused unchecked; no hard lock-out; 0 = off."),
    AUTH_FAILURE_WINDOW("auth.failure_window", Type.INT, 300L, "Seconds, from the first failure, over which the failed-login counts run."),
    AUTH_MAX_DELAY("auth.max_delay", Type.INT, 300L, "Longest delay, in seconds, that failures at one account impose on it (auth.max_failures_per_account)."),
    AUTH_MIN_PASSWORD_LENGTH("auth.min_password_length", Type.INT, 8L,
            "Fewest characters a new password may have, wherever it is set (CLI, web admin, API); NIST SP 800-63B asks for at least 8."),
    AUTH_CACHE_TTL("auth.cache_ttl", Type.INT, 300L,
            "Seconds a verified password is remembered in memory (as a keyed hash) so that polling clients cost no Argon2 work; 0 = off."),
    POP3_RETR_SETS_SEEN("pop3.retr_sets_seen", Type.BOOL, true, "Messages fetched with RETR get \\Seen when the session ends with QUIT (as in Dovecot)."),
    POP3_IDLE_TIMEOUT("pop3.idle_timeout", Type.INT, 600L,
            "Seconds a POP3 client may stay silent before it is disconnected, deleting nothing (RFC 1939 §3: at least 10 minutes)."),
    IMAP_IDLE_TIMEOUT("imap.idle_timeout", Type.INT, 1800L,
            "Seconds an IMAP client may stay silent (RFC 9051 §5.4: at least 30 minutes). Was limits.imap_idle_timeout before 0.2."),
    LIMITS_LINE_LENGTH("limits.line_length", Type.INT, 512L,
            "Longest SMTP/POP3 command line in octets, CRLF included (RFC 5321 §4.5.3.1.4: 512); SMTP adds what its extensions allow (MAIL +142, RCPT +500, AUTH up to 12288)."),
    LIMITS_MESSAGE_SIZE("limits.message_size", Type.INT, 50L * 1024 * 1024, "Largest message in octets (advertised as SIZE)."),
    LIMITS_RECIPIENTS("limits.recipients", Type.INT, 100L, "Recipients per message (RFC 5321 §4.5.3.1.8 asks for at least 100)."),
    LIMITS_ERRORS("limits.errors", Type.INT, 20L, "Error replies in one session before the server says 421 and hangs up (Postfix: smtpd_hard_error_limit 20)."),
    LIMITS_CONNECTIONS_PER_IP("limits.connections_per_ip", Type.INT, 20L, "Simultaneous connections from one address."),
    LIMITS_CONNECTIONS("limits.connections", Type.INT, 10000L, "Simultaneous connections in all."),
    LIMITS_QUOTA("limits.quota", Type.INT, 0L, "Bytes of mail each account may keep (RFC 9208 STORAGE); SMTP answers 552 5.2.2 and IMAP [OVERQUOTA] beyond it; 0 = no quota."),
    LIMITS_IMAP_LINE_LENGTH("limits.imap_line_length", Type.INT, 65536L, "Longest IMAP command line in octets, literals not counted (RFC 7162 §4 asks for at least 8192)."),
    LIMITS_IMAP_LITERAL("limits.imap_literal", Type.INT, 50L * 1024 * 1024, "Largest IMAP literal (APPEND message) in octets; larger ones get NO [TOOBIG] before they are sent."),
    LIMITS_IMAP_COMMAND_LITERALS("limits.imap_command_literals", Type.INT, 1024L * 1024, "Octets of literals one IMAP command may hold in memory (search strings, names, passwords; not the APPEND message, which streams to disk); past it NO [TOOBIG]."),
    LIMITS_IMAP_SEARCH_KEYS("limits.imap_search_keys", Type.INT, 1000L, "Search keys in one IMAP SEARCH, SORT or THREAD command; past it BAD."),
    LIMITS_HOPS("limits.hops", Type.INT, 50L, "Received fields at which an arriving message is refused as a mail loop (RFC 5321 §6.3; Postfix hopcount_limit 50)."),
    LIMITS_IDLE_TIMEOUT("limits.idle_timeout", Type.INT, 300L, "Seconds a client may stay silent before 421 (RFC 5321 §4.5.3.2.7: 5 minutes)."),
    LIMITS_SIEVE_SCRIPT("limits.sieve_script", Type.INT, 64L * 1024, "Largest Sieve script in octets; larger ones are refused on upload (ManageSieve NO (QUOTA/MAXSIZE))."),
    LIMITS_SIEVE_SCRIPTS("limits.sieve_scripts", Type.INT, 20L, "Sieve scripts one account may keep (ManageSieve NO (QUOTA/MAXSCRIPTS) beyond)."),
    SIEVE_MAX_REDIRECTS("sieve.max_redirects", Type.INT, 4L, "Redirects one Sieve script may make per message; more is a runtime error and the message is kept (Pigeonhole: 4)."),
    SIEVE_MAX_HOPS("sieve.max_hops", Type.INT, 20L,
            "A message that already has this many Received fields is not redirected again but kept: ends redirect loops between accounts."),
    SEARCH_BACKGROUND_INDEX("search.background_index", Type.BOOL, true,
            "Add each arriving message's text to the full-text index right after delivery, in the background (at most half of one core); "
                    + "false: a mailbox's messages are indexed by the first search that reads them."),
    STORE_INLINE_BLOB_SIZE("store.inline_blob_size", Type.INT, 64L * 1024,
            "Messages up to this many octets are kept inside the database, where one commit (one fsync) covers many arriving at once; "
                    + "larger ones go where store.blobs says. 0: none is kept inline."),
    STORE_BLOBS("store.blobs", Type.STRING, "",
            "Where message bodies above store.inline_blob_size live: \"files\" under the data dir's blobs/ (one node), or \"database\", "
                    + "streamed in 256 KiB chunks into the store's database, where every node of a cluster reads them. "
                    + "Empty = database when store.url is PostgreSQL, files on SQLite. Choose before the first message: bodies already stored stay "
                    + "where they are and the other choice does not read them (estafeta migrate moves a SQLite install to PostgreSQL, bodies and all)."),
    LIMITS_TLS_HANDSHAKE_TIMEOUT("limits.tls_handshake_timeout", Type.INT, 30L,
            "Seconds for a whole TLS handshake (implicit TLS, STARTTLS, STLS), however the client trickles it."),
    LIMITS_COMMAND_TIMEOUT("limits.command_timeout", Type.INT, 60L,
            "Seconds for one command line from its first byte to its end, on every protocol (nc and telnet send a line at once), "
                    + "and for one HTTP request's line and header fields (from the connection's opening or the previous response)."),
    LIMITS_MIME_PARTS("limits.mime_parts", Type.INT, 10_000L,
            "MIME parts parsed in one message (BODYSTRUCTURE, FETCH BODY[n], webmail); parts past it stay opaque content of their multipart. Change it only with no mail stored: cached structures keep the old count."),
    LIMITS_TRACE_BUFFER("limits.trace_buffer", Type.INT, 1000L,
            "Lines one watcher of the live session trace (webmail, web admin, estafeta trace) may have waiting; a slower watcher loses lines and is told how many, the mail session never waits."),
    LIMITS_TRACE_EXCERPT_LINES("limits.trace_excerpt_lines", Type.INT, 5L,
            "Lines of a message body or literal the live session trace shows before summing up the rest as \"… N bytes in all\"."),
    LIMITS_HEADER_SIZE("limits.header_size", Type.INT, 256L * 1024,
            "Largest header section of an arriving message in octets; a larger one is refused (552 5.3.4), since a header that is not read whole "
                    + "could hide a forged Authentication-Results field or a mail loop's Received fields."),
    LIMITS_MIN_DATA_RATE("limits.min_data_rate", Type.INT, 500L,
            "Octets per second that SMTP DATA and IMAP literals must average after their first limits.command_timeout (Postfix: smtpd_min_data_rate 500); 0 = no minimum."),
    DNS_SERVERS("dns.servers", Type.LIST, List.of(), "Resolvers for MX lookups as host:port (default: the system's, from /etc/resolv.conf)."),
    DNS_TIMEOUT("dns.timeout", Type.STRING, "5s", "Time allowed for one DNS question; when it runs out, the answer is a temporary error (a 451 for mail being checked)."),
    MAILAUTH_CHECK("mailauth.check", Type.BOOL, true,
            "Check SPF, DKIM and DMARC on mail from other servers (port 25, not logged in, not smtp.relay_networks) and stamp an "
                    + "Authentication-Results field; a DNS failure that leaves the result open answers 451 4.7.x."),
    MAILAUTH_DMARC_REJECT("mailauth.dmarc_reject", Type.STRING, "reject",
            "What a DMARC fail under p=reject gets: reject (550 5.7.1 at the end of DATA), junk (the Junk mailbox) or accept (stamped only)."),
    MAILAUTH_DMARC_QUARANTINE("mailauth.dmarc_quarantine", Type.STRING, "junk",
            "What a DMARC fail under p=quarantine gets: reject, junk or accept."),
    MAILAUTH_SPF_FAIL("mailauth.spf_fail", Type.STRING, "junk",
            "What an SPF fail (-all) gets when the author's domain publishes no DMARC record: reject, junk or accept "
                    + "(junk: forwarders without SRS fail SPF on honest mail)."),
    SPAM_RSPAMD_URL("spam.rspamd_url", Type.STRING, "",
            "rspamd's normal worker (e.g. http://127.0.0.1:11333): mail from other servers is scanned with /checkv2 and stamped "
                    + "X-Spam-Score/X-Spam-Symbols; when rspamd cannot be asked the message is deferred (451). Empty = no scanning."),
    SPAM_REJECT_SCORE("spam.reject_score", Type.INT, 15L, "rspamd score from which a message is refused (550 5.7.1); rspamd's own reject action (GTUBE) refuses too."),
    SPAM_JUNK_SCORE("spam.junk_score", Type.INT, 6L, "rspamd score from which a message is filed in Junk (and stamped X-Spam-Flag: YES)."),
    SPAM_TIMEOUT("spam.timeout", Type.STRING, "30s", "Time allowed for rspamd's answer; after it the message is deferred (451 4.7.1)."),
    MAILAUTH_DKIM_SIGN("mailauth.dkim_sign", Type.BOOL, true,
            "Sign what logged-in users send (submission, webmail) with every DKIM key of the From domain (estafeta dkim generate)."),
    MTASTS_MODE("mtasts.mode", Type.STRING, "testing",
            "Mode of the MTA-STS policy (RFC 8461) served for our domains at https://mta-sts.DOMAIN/.well-known/mta-sts.txt: none, testing "
                    + "or enforce (estafeta dns DOMAIN shows the TXT record to publish; its id changes with the policy)."),
    MTASTS_MAX_AGE("mtasts.max_age", Type.STRING, "7d", "max_age of the MTA-STS policy we serve: how long senders keep it (at most a year)."),
    MTASTS_FETCH_PORT("mtasts.fetch_port", Type.INT, 443L, "Port of remote MTA-STS policy servers (tests change it)."),
    MTASTS_FETCH_TIMEOUT("mtasts.fetch_timeout", Type.STRING, "20s",
            "Time allowed for fetching a remote MTA-STS policy (connect, TLS, answer); past it the cached policy, if any, applies."),
    MTASTS_MAX_POLICY_SIZE("mtasts.max_policy_size", Type.INT, 64L * 1024,
            "Largest remote MTA-STS policy in octets (RFC 8461 §3.3 suggests 64 KiB); a larger one counts as a failed fetch."),
    QUEUE_RETRY_SCHEDULE("queue.retry_schedule", Type.LIST, List.of("5m", "10m", "20m", "40m", "80m", "160m", "4h"),
            "Waits between delivery attempts (s, m, h, d); the last one repeats."),
    QUEUE_MAX_AGE("queue.max_age", Type.STRING, "5d", "How long a message may stay queued before it bounces."),
    QUEUE_DELAY_WARNING("queue.delay_warning", Type.STRING, "4h", "After this, senders who asked (NOTIFY=DELAY) get a delay notice."),
    QUEUE_CONCURRENCY("queue.concurrency", Type.INT, 20L, "Deliveries in progress at once."),
    QUEUE_CONNECTIONS_PER_DOMAIN("queue.connections_per_domain", Type.INT, 10L,
            "Connections at once to one destination domain; the messages waiting for it share them."),
    QUEUE_POLL_INTERVAL("queue.poll_interval", Type.STRING, "10s", "How often the queue is looked at when nothing wakes it."),
    QUEUE_LEASE("queue.lease", Type.STRING, "2m", "How long a node's claim on a queued recipient holds if the node dies: renewed every quarter of it "
            + "while a delivery runs (however long), so only a dead node's claims run out; then another node of a cluster delivers them."),
    QUEUE_REMOTE_PORT("queue.remote_port", Type.INT, 25L, "Port of remote MX hosts (tests and unusual networks change it)."),
    QUEUE_TRANSPORTS("queue.transports", Type.LIST, List.of(),
            "Routes that skip MX lookup: domain=host:port entries; * is the smarthost for every other domain (for networks where port 25 is closed)."),
    QUEUE_SMARTHOST_USER("queue.smarthost_user", Type.STRING, "", "User for AUTH PLAIN at the smarthost (sent only over TLS)."),
    QUEUE_SMARTHOST_PASSWORD("queue.smarthost_password", Type.STRING, "", "Password for AUTH PLAIN at the smarthost."),
    QUEUE_CONNECT_TIMEOUT("queue.connect_timeout", Type.STRING, "30s", "Time allowed to connect to a remote host."),
    QUEUE_COMMAND_TIMEOUT("queue.command_timeout", Type.STRING, "5m",
            "Time allowed for a remote reply (RFC 5321 §4.5.3.2: 5 minutes; 2 for DATA's 354 and 10 for the final dot scale with it).");

    public enum Type { STRING, INT, BOOL, LIST }

    public final String key;
    public final Type type;
    public final Object defaultValue;
    public final String doc;

    ConfigKey(String key, Type type, Object defaultValue, String doc) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    /** The default as written in TOML, for docs/config.md and {@code config show}. */
    public String defaultText() {
        return switch (type) {
            case STRING -> '"' + (String) defaultValue + '"';
            case LIST -> ((List<?>) defaultValue).stream().map(v -> '"' + String.valueOf(v) + '"').toList().toString();
            default -> String.valueOf(defaultValue);
        };
    }

    /** The table of docs/config.md, generated so that the docs cannot drift from the code. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (ConfigKey k : values()) {
            sb.append("| `").append(k.key).append("` | ").append(k.type.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | `").append(k.defaultText()).append("` | ").append(k.doc.replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * Names that earlier versions used, with the key that replaced each. An old name keeps working
     * (with a deprecation warning) so that an upgrade never stops a server over its configuration.
     * Never remove an entry: installations upgrade across several versions at once.
     */
    private static final Map<String, ConfigKey> RENAMED = Map.of(
            "limits.imap_idle_timeout", IMAP_IDLE_TIMEOUT);

    /** Every key by its name: looked up for each line of every file loaded. */
    private static final Map<String, ConfigKey> BY_NAME = java.util.Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(k -> k.key, k -> k));

    /** The key of that name, if there is one (old names not included; see {@link #renamedFrom}). */
    public static Optional<ConfigKey> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The key that replaced an old name, if the name is one an earlier version used. */
    public static Optional<ConfigKey> renamedFrom(String oldName) {
        return Optional.ofNullable(RENAMED.get(oldName));
    }

    /**
     * The known key closest to a mistyped one (edit distance; the first in declaration order on a
     * tie), for "did you mean" hints. Each distance is computed once and given up as soon as it cannot
     * beat the best so far: a long mistyped name against a hundred keys was most of the time a config
     * with unknown keys took to load.
     */
    public static ConfigKey nearest(String name) {
        ConfigKey best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey k : values()) {
            int d = editDistance(k.key, name, bestDistance);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance of a and b, or some value ≥ {@code bound} once it is sure to be at least that. */
    private static int editDistance(String a, String b, int bound) {
        if (Math.abs(a.length() - b.length()) >= bound) return bound;
        int[] previous = new int[b.length() + 1], current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                rowMin = Math.min(rowMin, current[j]);
            }
            // A row's minimum never decreases further down: the distance is at least this.
            if (rowMin >= bound) return bound;
            int[] t = previous; previous = current; current = t;
        }
        return previous[b.length()];
    }
}
