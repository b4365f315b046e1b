package org.estafeta.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The effective configuration: immutable, validated on construction, built by {@link ConfigLoader}
 * from defaults, {@code estafeta.toml} and {@code --set} overrides, in that order.
 */
public record Config(Server server, Net net, Ports ports, Web web, Tls tls, Smtp smtp, Auth auth, Pop3 pop3, Limits limits, Queue queue, Sieve sieve, MailAuth mailAuth, Search search,
                     Ops ops, Store store) {

    public Config {
        Objects.requireNonNull(server);
        Objects.requireNonNull(net);
        Objects.requireNonNull(ports);
        Objects.requireNonNull(web);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(smtp);
        Objects.requireNonNull(auth);
        Objects.requireNonNull(pop3);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(queue);
        Objects.requireNonNull(sieve);
        Objects.requireNonNull(ops);
        Objects.requireNonNull(store);
    }

    /**
     * Where the metadata is: {@code url} empty = SQLite in the data dir, else a PostgreSQL URL
     * ({@code postgresql://[user[:password]@]host[:port]/database[?params]}); {@code user} and
     * {@code password} apply when the URL has none. {@code timeout}: the longest wait for a connection.
     * Message bodies up to {@code inlineBlobSize} octets are kept inside the database with the rows that
     * name them, larger ones where {@code blobs} says.
     */
    public record Store(String url, String user, String password, int poolSize, Duration timeout, int inlineBlobSize, BlobPlace blobs) {
        public Store {
            if (inlineBlobSize < 0) throw new IllegalArgumentException("store.inline_blob_size must not be negative");
            Objects.requireNonNull(blobs);
            if (!url.isEmpty() && !url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
                throw new IllegalArgumentException("store.url must be empty (SQLite) or postgresql://host/database, was '" + url + "'");
            }
            if (poolSize < 1) throw new IllegalArgumentException("store.pool_size must be at least 1");
            if (timeout.toMillis() < 250) throw new IllegalArgumentException("store.timeout must be at least 250ms");
        }

        public boolean postgresql() {
            return !url.isEmpty();
        }

        /** Where {@code store.blobs} puts large bodies when it is not set: in a shared database, so every node reads them. */
        public static BlobPlace defaultBlobPlace(String url) {
            return url.isEmpty() ? BlobPlace.FILES : BlobPlace.DATABASE;
        }
    }

    /** Where message bodies above {@code store.inline_blob_size} live ({@code store.blobs}). */
    public enum BlobPlace {
        /** Files under the data dir's blobs/: fast, but only the node that owns the data dir reads them. */
        FILES,
        /** Chunks in the database: every node of a cluster reads them. */
        DATABASE
    }

    /**
     * Running the server: how long a shutdown waits for sessions to finish, and who may read the
     * Prometheus metrics (an address in {@code metricsAllow}, or the bearer token when it is not empty).
     */
    public record Ops(java.time.Duration shutdownTimeout, List<Cidr> metricsAllow, String metricsToken) {
        public Ops {
            if (shutdownTimeout.isNegative()) throw new IllegalArgumentException("server.shutdown_timeout must not be negative");
            metricsAllow = List.copyOf(metricsAllow);
        }
    }

    /** Identity of this node and where it keeps its data. */
    public record Server(String hostname, Path dataDir, String bind, List<String> domains) {
        public Server {
            if (hostname.isBlank()) throw new IllegalArgumentException("server.hostname must not be empty");
            domains = List.copyOf(domains);
        }
    }

    /**
     * What every protocol grants by client address. {@code lenientNetworks}: people typing (nc, telnet,
     * openssl s_client) may use bare LF, end DATA with LF.LF, give bare local parts and log in before TLS.
     * {@code proxyFrom}: load balancers that must start each connection with a PROXY header naming the
     * client (HAProxy's PROXY protocol v1/v2); empty, no header is ever taken.
     */
    public record Net(List<Cidr> lenientNetworks, List<Cidr> proxyFrom) {
        public Net {
            lenientNetworks = List.copyOf(lenientNetworks);
            proxyFrom = List.copyOf(proxyFrom);
        }
    }

    /** Listener ports; 0 picks an ephemeral port (tests), -1 disables the listener. */
    public record Ports(int smtp, int submission, int smtps, int odmr, int pop3, int pop3s, int imap, int imaps, int managesieve) {
        public Ports {
            checkPort("ports.smtp", smtp);
            checkPort("ports.odmr", odmr);
            checkPort("ports.submission", submission);
            checkPort("ports.smtps", smtps);
            checkPort("ports.pop3", pop3);
            checkPort("ports.pop3s", pop3s);
            checkPort("ports.imap", imap);
            checkPort("ports.imaps", imaps);
            checkPort("ports.managesieve", managesieve);
        }

        private static void checkPort(String key, int port) {
            if (port < -1 || port > 65535) throw new IllegalArgumentException(key + " must be -1..65535, was " + port);
        }
    }

    /**
     * The web listeners (webmail, admin, REST API); ports are not offset (DESIGN.md), 0 is ephemeral,
     * -1 disables. With {@code redirectHttps} the HTTP port answers every request with a redirect.
     */
    public record Web(int port, int tlsPort, boolean redirectHttps, Duration sessionTimeout) {
        public Web {
            Ports.checkPort("web.port", port);
            Ports.checkPort("web.tls_port", tlsPort);
            if (sessionTimeout.toSeconds() < 60) throw new IllegalArgumentException("web.session_timeout must be at least 60 seconds");
        }
    }

    /**
     * PEM certificate chain and private key (when absent a self-signed pair is made in the data dir),
     * how often their files are looked at for a change, and ACME (RFC 8555): off while
     * {@code acmeDirectory} is empty; {@code acmeTrust} a PEM of CAs for a private ACME server's HTTPS.
     */
    public record Tls(Path certificate, Path privateKey, Duration checkInterval, String acmeDirectory, String acmeEmail, Path acmeTrust,
                      String acmeChallenge) {
        /** The values of tls.acme_challenge. */
        public static final List<String> ACME_CHALLENGES = List.of("auto", "http-01", "tls-alpn-01");

        public Tls {
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException("tls.certificate and tls.private_key must be set together");
            }
            if (checkInterval.toSeconds() < 1) throw new IllegalArgumentException("tls.check_interval must be at least 1 second");
            if (!acmeDirectory.isEmpty() && !acmeDirectory.startsWith("https://") && !acmeDirectory.startsWith("http://")) {
                throw new IllegalArgumentException("tls.acme_directory must be the https:// URL of an ACME directory, was '" + acmeDirectory + "'");
            }
            if (!acmeDirectory.isEmpty() && !acmeEmail.contains("@")) {
                throw new IllegalArgumentException("tls.acme_email must be set to an address for the CA's notices when tls.acme_directory is");
            }
            if (!ACME_CHALLENGES.contains(acmeChallenge)) {
                throw new IllegalArgumentException("tls.acme_challenge must be auto, http-01 or tls-alpn-01, was '" + acmeChallenge + "'");
            }
        }

        public boolean acme() {
            return !acmeDirectory.isEmpty();
        }
    }

    /**
     * SMTP policy. {@code relayNetworks} may relay to other domains without AUTH; nothing else (typing
     * leniency is {@link Net#lenientNetworks}).
     */
    public record Smtp(List<Cidr> relayNetworks, boolean vrfyLocalUsers, String banner, boolean checkSender,
                       java.util.Map<String, String> atrnDomains) {
        public Smtp {
            relayNetworks = List.copyOf(relayNetworks);
            atrnDomains = java.util.Map.copyOf(atrnDomains);
        }
    }

    /**
     * Outbound delivery.
     *
     * @param dnsServers resolvers as host:port; empty means the system's
     */
    public record Queue(List<String> dnsServers, List<Duration> retrySchedule, Duration maxAge, Duration delayWarning,
                        int concurrency, int connectionsPerDomain, Duration pollInterval, Duration lease, int remotePort, Duration connectTimeout, Duration commandTimeout,
                        java.util.Map<String, String> transports, String smarthostUser, String smarthostPassword) {
        public Queue {
            dnsServers = List.copyOf(dnsServers);
            transports = java.util.Map.copyOf(transports);
            for (String target : transports.values()) {
                int colon = target.lastIndexOf(':');
                if (colon <= 0 || !target.substring(colon + 1).matches("\\d{1,5}")) {
                    throw new IllegalArgumentException("queue.transports targets are host:port, was '" + target + "'");
                }
            }
            retrySchedule = List.copyOf(retrySchedule);
            if (retrySchedule.isEmpty()) throw new IllegalArgumentException("queue.retry_schedule must not be empty");
            if (concurrency < 1) throw new IllegalArgumentException("queue.concurrency must be at least 1");
            if (connectionsPerDomain < 1) throw new IllegalArgumentException("queue.connections_per_domain must be at least 1");
            // Renewed every quarter: below a second the renewals would be most of the queue's database work.
            if (lease.toMillis() < 1000) throw new IllegalArgumentException("queue.lease must be at least 1s");
            if (remotePort < 1 || remotePort > 65535) throw new IllegalArgumentException("queue.remote_port must be 1..65535");
        }

        /** The fixed next hop for a domain ({@code host:port}), the smarthost ({@code *}), or null for MX. */
        public String transportFor(String domain) {
            String t = transports.get(domain);
            return t != null ? t : transports.get("*");
        }

        /** The wait after the given number of failed attempts (1 = after the first). */
        public Duration retryAfter(int attempts) {
            return retrySchedule.get(Math.min(Math.max(attempts, 1), retrySchedule.size()) - 1);
        }
    }

    /**
     * Login checks shared by every protocol: the failed-login throttle (per address, per address and
     * account, per account with a growing delay) and the in-memory cache of verified passwords
     * ({@link Duration#ZERO} turns it off).
     */
    public record Auth(int maxFailures, int maxFailuresPerLogin, int maxFailuresPerAccount, Duration failureWindow, Duration maxDelay,
                       Duration cacheTtl, int minPasswordLength) {
        public Auth {
            if (minPasswordLength < 1) throw new IllegalArgumentException("auth.min_password_length must be at least 1");
            if (maxFailures < 0) throw new IllegalArgumentException("auth.max_failures must not be negative");
            if (maxFailuresPerLogin < 0) throw new IllegalArgumentException("auth.max_failures_per_login must not be negative");
            if (maxFailuresPerAccount < 0) throw new IllegalArgumentException("auth.max_failures_per_account must not be negative");
            if (maxDelay.toSeconds() < 1) throw new IllegalArgumentException("auth.max_delay must be at least 1 second");
            if (failureWindow.isNegative() || failureWindow.isZero()) throw new IllegalArgumentException("auth.failure_window must be positive");
            if (cacheTtl.isNegative()) throw new IllegalArgumentException("auth.cache_ttl must not be negative");
        }
    }

    /** POP3 policy: whether RETR marks messages \Seen (at QUIT), and the autologout timer. */
    public record Pop3(boolean retrSetsSeen, Duration idleTimeout) {
        public Pop3 {
            if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("pop3.idle_timeout must be positive");
        }
    }

    /** Every limit a client can hit, each with its own clear error. */
    public record Limits(
            int lineLength,
            long messageSize,
            int recipients,
            int errors,
            int connectionsPerIp,
            int connections,
            Duration idleTimeout,
            long quota,
            int imapLineLength,
            long imapLiteral,
            long imapCommandLiterals,
            int imapSearchKeys,
            Duration imapIdleTimeout,
            Duration tlsHandshakeTimeout,
            Duration commandTimeout,
            long minDataRate,
            int hops,
            int mimeParts,
            int traceBuffer,
            int traceExcerptLines,
            int headerSize) {
        public Limits {
            if (hops < 1) throw new IllegalArgumentException("limits.hops must be at least 1");
            if (lineLength < 512) throw new IllegalArgumentException("limits.line_length must be at least 512 (RFC 5321 §4.5.3.1.4)");
            if (messageSize < 1024) throw new IllegalArgumentException("limits.message_size must be at least 1024");
            if (recipients < 1) throw new IllegalArgumentException("limits.recipients must be at least 1");
            if (errors < 1) throw new IllegalArgumentException("limits.errors must be at least 1");
            if (connectionsPerIp < 1) throw new IllegalArgumentException("limits.connections_per_ip must be at least 1");
            if (connections < 1) throw new IllegalArgumentException("limits.connections must be at least 1");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("limits.idle_timeout must be positive");
            if (quota < 0) throw new IllegalArgumentException("limits.quota must not be negative");
            if (imapLineLength < 8192) throw new IllegalArgumentException("limits.imap_line_length must be at least 8192 (RFC 7162 §4)");
            if (imapLiteral < 1024) throw new IllegalArgumentException("limits.imap_literal must be at least 1024");
            if (imapCommandLiterals < 1024) throw new IllegalArgumentException("limits.imap_command_literals must be at least 1024");
            if (imapSearchKeys < 1) throw new IllegalArgumentException("limits.imap_search_keys must be at least 1");
            if (imapIdleTimeout.toSeconds() < 1) throw new IllegalArgumentException("imap.idle_timeout must be positive");
            if (tlsHandshakeTimeout.toSeconds() < 1) throw new IllegalArgumentException("limits.tls_handshake_timeout must be positive");
            if (commandTimeout.toSeconds() < 1) throw new IllegalArgumentException("limits.command_timeout must be positive");
            if (minDataRate < 0) throw new IllegalArgumentException("limits.min_data_rate must not be negative");
            if (mimeParts < 1) throw new IllegalArgumentException("limits.mime_parts must be at least 1");
            if (traceBuffer < 1) throw new IllegalArgumentException("limits.trace_buffer must be at least 1");
            if (traceExcerptLines < 0) throw new IllegalArgumentException("limits.trace_excerpt_lines must not be negative");
            if (headerSize < 1024) throw new IllegalArgumentException("limits.header_size must be at least 1024");
        }
    }

    /**
     * Sieve filtering (RFC 5228) and ManageSieve (RFC 5804).
     *
     * @param maxScriptBytes limits.sieve_script
     * @param maxScripts limits.sieve_scripts
     * @param maxRedirects sieve.max_redirects
     * @param maxHops sieve.max_hops
     */
    /**
     * Mail authentication (SPF, DKIM, DMARC): the arrival check and its policy, and DKIM signing.
     *
     * @param check run the checks on mail from other servers
     * @param dmarcReject one of reject, junk, accept (checked by the loader, which names the key); so are the next two
     * @param dnsTimeout dns.timeout, for every DNS question
     */
    public record MailAuth(boolean check, String dmarcReject, String dmarcQuarantine, String spfFail, boolean dkimSign,
                           Duration dnsTimeout, Spam spam, MtaSts mtaSts) {
    }

    /**
     * MTA-STS (RFC 8461): the policy we serve for our domains, how remote policies are fetched, and the
     * extra CAs trusted wherever outbound TLS must be authenticated (MTA-STS enforce, REQUIRETLS).
     *
     * @param mode none, testing or enforce (checked by the loader)
     * @param fetchPort 443; tests serve policies elsewhere
     */
    public record MtaSts(String mode, Duration maxAge, int fetchPort, Duration fetchTimeout, int maxPolicySize, List<Path> trustedCas) {
        public MtaSts {
            trustedCas = List.copyOf(trustedCas);
            if (maxAge.isNegative() || maxAge.toSeconds() > 31_557_600) throw new IllegalArgumentException("mtasts.max_age must be 0..1 year (RFC 8461 §3.2)");
            if (fetchPort < 1 || fetchPort > 65535) throw new IllegalArgumentException("mtasts.fetch_port must be 1..65535");
            if (maxPolicySize < 1024) throw new IllegalArgumentException("mtasts.max_policy_size must be at least 1024");
            if (fetchTimeout.toMillis() < 100) throw new IllegalArgumentException("mtasts.fetch_timeout must be positive");
        }
    }

    /**
     * The rspamd verdict on arrival.
     *
     * @param rspamdUrl empty: no scanning
     */
    public record Spam(String rspamdUrl, int rejectScore, int junkScore, Duration timeout) {
    }

    /** IMAP SEARCH and the webmail's search. */
    public record Search(boolean backgroundIndex) {
    }

    public record Sieve(int maxScriptBytes, int maxScripts, int maxRedirects, int maxHops) {
        public Sieve {
            if (maxScriptBytes < 1024) throw new IllegalArgumentException("limits.sieve_script must be at least 1024");
            if (maxScripts < 1) throw new IllegalArgumentException("limits.sieve_scripts must be at least 1");
            if (maxRedirects < 0) throw new IllegalArgumentException("sieve.max_redirects must not be negative");
            if (maxHops < 1) throw new IllegalArgumentException("sieve.max_hops must be at least 1");
        }
    }
}
