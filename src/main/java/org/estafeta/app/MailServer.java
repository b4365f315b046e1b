package org.estafeta.app;

import java.io.IOException;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import org.estafeta.auth.AuthSettings;
import org.estafeta.auth.Authenticator;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.config.Config;
import org.estafeta.config.ConfigLoader;
import org.estafeta.admin.Admin;
import org.estafeta.delivery.AuthenticationCheck;
import org.estafeta.delivery.Inbound;
import org.estafeta.mailauth.DkimKeys;
import org.estafeta.mailauth.DkimSigner;
import org.estafeta.mailauth.DkimVerifier;
import org.estafeta.mailauth.Dmarc;
import org.estafeta.mailauth.MessageAuthentication;
import org.estafeta.mailauth.Spf;
import org.estafeta.net.Networks;
import org.estafeta.delivery.SieveFilter;
import org.estafeta.delivery.SpamCheck;
import org.estafeta.admin.DnsRecords;
import org.estafeta.dns.Dns;
import org.estafeta.events.SessionTraces;
import org.estafeta.web.WebServer;
import org.estafeta.delivery.RecipientResolver;
import org.estafeta.imap.ImapServer;
import org.estafeta.imap.ImapSettings;
import org.estafeta.managesieve.ManageSieveServer;
import org.estafeta.managesieve.ManageSieveSettings;
import org.estafeta.net.ConnectionLimiter;
import org.estafeta.net.Deadlines;
import org.estafeta.net.Listener;
import org.estafeta.net.Protocol;
import org.estafeta.queue.QueueRunner;
import org.estafeta.pop3.Pop3Server;
import org.estafeta.pop3.Pop3Settings;
import org.estafeta.sieve.SieveLimits;
import org.estafeta.smtp.server.SmtpRole;
import org.estafeta.smtp.server.SmtpServer;
import org.estafeta.store.Quota;
import org.estafeta.store.TextIndexer;
import org.estafeta.smtp.server.SmtpSettings;
import org.estafeta.tls.ServerCertificates;
import org.estafeta.tls.TlsContexts;
import org.estafeta.tls.acme.AcmeRenewal;
import org.estafeta.tls.acme.Http01Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running server: the store, the TLS context and every listener, started and stopped together. */
public final class MailServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MailServer.class);

    /** Held from start to close: one server per data dir. */
    private final DataDirLock lock;
    private final Storage storage;
    private final List<Listener> listeners = new ArrayList<>();
    private QueueRunner queueRunner;
    private TextIndexer textIndexer;
    private WebServer web;
    /** The one resolver: queue (MX) and mail authentication (TXT) share its cache. */
    private Dns dns;
    private Inbound delivery;
    /** Where "messages accepted today" is kept over a restart (AcceptedToday). */
    private java.nio.file.Path dataDir;
    private final RecentLog recentLog = new RecentLog(500);
    private Admin admin;
    private Authenticator authenticator;
    private ControlSocket control;
    private ServerMetrics metrics;
    /** SIGHUP and 'estafeta reload' (one that says it cannot, when the server was started without a way to read its configuration again). */
    private Reload reload;
    /** How long a shutdown waits for sessions (server.shutdown_timeout; a reload may change it). */
    private volatile java.time.Duration shutdownTimeout;
    /** The live session traces every listener reports to (webmail, web admin and 'estafeta trace' watch them). */
    private SessionTraces traces;
    /** What every TLS listener serves; reloadable. */
    private ServerCertificates certificates;
    /** HTTP-01 answers the web port gives while an ACME order waits for its CA. */
    private final Http01Responses acmeChallenges = new Http01Responses();
    /** Null unless tls.acme_directory is set. */
    private AcmeRenewal acme;

    private MailServer(DataDirLock lock, Storage storage) {
        this.lock = lock;
        this.storage = storage;
    }

    /**
     * A server that can read its configuration again ({@link #reload}): {@code reloadSource} reads it
     * as at start (the same file and overrides).
     */
    public static MailServer start(ConfigLoader.Effective started, java.util.function.Supplier<ConfigLoader.Effective> reloadSource)
            throws IOException {
        return start(started.config(), new Reload(reloadSource, started));
    }

    public static MailServer start(Config config) throws IOException {
        return start(config, new Reload(null, null));
    }

    private static MailServer start(Config config, Reload reload) throws IOException {
        DataDirLock lock = DataDirLock.acquire(config.server().dataDir());
        Storage storage;
        try {
            storage = Storage.open(config);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        MailServer server = new MailServer(lock, storage);
        server.reload = reload;
        try {
            server.startListeners(config);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The inbound pipeline over {@code storage}; the server adds its checks and filter, {@code estafeta import} uses it bare. */
    public static Inbound inbound(Config config, Storage storage) {
        Path dir = config.server().dataDir();
        return new Inbound(storage.intake(), storage.queue(), storage.blobs(), new RecipientResolver(storage.accounts()),
                new Quota(storage.mailboxes(), storage.accounts(), config.limits().quota()), new Inbound.Settings(
                config.server().hostname(), config.smtp().checkSender(), config.limits().hops(), dir.resolve("spool"),
                Secrets.load(dir.resolve("srs.key")), config.limits().mimeParts(), config.limits().headerSize()));
    }

    private void startListeners(Config config) throws IOException {
        certificates = new ServerCertificates(certificateSources(config));
        certificates.watch(config.tls().checkInterval());
        // Every reload (SIGHUP, 'estafeta reload') re-reads the certificate files, whether the configuration changed or not.
        reload.addListener(c -> reloadCertificates());
        SSLContext tls = certificates.context();
        ConnectionLimiter limiter = new ConnectionLimiter(config.limits().connections(), config.limits().connectionsPerIp());
        dataDir = config.server().dataDir();
        delivery = inbound(config, storage);
        var quota = new Quota(storage.mailboxes(), storage.accounts(), config.limits().quota());
        AcceptedToday.restore(dataDir, delivery);
        delivery.filterWith(new SieveFilter(storage.sieveScripts(), storage.mailboxes(), storage.accounts(), sieveLimits(config), config.server().hostname(),
                config.sieve().maxHops(), java.time.Clock.systemUTC()));
        recentLog.attach();
        dns = new Dns(config.queue().dnsServers(), config.mailAuth().dnsTimeout());
        mailAuthentication(config);
        if (config.search().backgroundIndex()) textIndexer = TextIndexer.start(storage.messages(), storage.blobs());
        queueRunner = new QueueRunner(storage.queue(), storage.blobs(), delivery, config, dns, TlsContexts.opportunisticClient());
        SmtpSettings smtp = SmtpSettings.from(config, tls);
        authenticator = new Authenticator(storage.accounts(), new PasswordHasher(), AuthSettings.from(config), storage.loginFailures());
        authenticator.sessions().start();
        shutdownTimeout = config.ops().shutdownTimeout();
        metrics = new ServerMetrics(config.ops());
        metrics.observe(delivery);
        metrics.observe(authenticator);
        metrics.observe(queueRunner, storage.queue());
        metrics.observeBlobs(dataDir.resolve("blobs"), storage::blobBytesInDatabase);
        applyOnReload(c -> {
            shutdownTimeout = c.ops().shutdownTimeout();
            metrics.configure(c.ops());
        });
        traces = new SessionTraces(config.limits().traceBuffer(), config.limits().traceExcerptLines());
        try {
            control = ControlSocket.open(dataDir, authenticator, this::reload, traces);
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("no control socket in {} ({}): 'estafeta auth' cannot reach this server", dataDir, e.toString());
        }
        listen(config, config.ports().smtp(), smtpServer("smtp", SmtpRole.MX, smtp, tls), null, limiter);
        listen(config, config.ports().submission(), smtpServer("submission", SmtpRole.SUBMISSION, smtp, tls), null, limiter);
        listen(config, config.ports().odmr(), smtpServer("odmr", SmtpRole.ODMR, smtp, tls), null, limiter);
        listen(config, config.ports().smtps(), smtpServer("smtps", SmtpRole.SUBMISSION, smtp, tls), tls, limiter);
        Pop3Settings pop3 = Pop3Settings.from(config, tls);
        listen(config, config.ports().pop3(), pop3Server("pop3", pop3, tls), null, limiter);
        listen(config, config.ports().pop3s(), pop3Server("pop3s", pop3, tls), tls, limiter);
        ImapSettings imap = ImapSettings.from(config, tls);
        listen(config, config.ports().imap(), imapServer("imap", imap, authenticator, quota, tls), null, limiter);
        listen(config, config.ports().imaps(), imapServer("imaps", imap, authenticator, quota, tls), tls, limiter);
        metrics.observe(listeners);
        listen(config, config.ports().managesieve(),
                new ManageSieveServer(ManageSieveSettings.from(config, sieveLimits(config), tls), authenticator, storage.sieveScripts()), null, limiter);
        admin = new Admin(storage.accounts(), storage.mailboxes(), storage.queue(), new PasswordHasher(), queueRunner::wake,
                config.auth().minPasswordLength(), authenticator.sessions()::end);
        if (config.web().port() >= 0 || config.web().tlsPort() >= 0) {
            web = WebServer.start(config.web(), bindAddress(config), tls, new Networks(config.net().proxyFrom()), new WebServer.Services(authenticator, storage.mailboxes(),
                    storage.messages(), storage.blobs(), storage.events(), delivery, admin, new WebServer.StatusSource() {
                        @Override
                        public List<String> listeners() {
                            return describeListeners();
                        }

                        @Override
                        public long acceptedToday() {
                            return delivery.acceptedToday();
                        }

                        @Override
                        public List<String> recentLog() {
                            return recentLog.lines();
                        }

                        @Override
                        public java.util.Map<String, Integer> mailPorts() {
                            return listeners.stream().collect(java.util.stream.Collectors.toMap(Listener::protocolName, Listener::port));
                        }
                    },
                    config.server().hostname(), config.limits().messageSize(), config.net().lenientNetworks(),
                    storage.sieveScripts(), sieveLimits(config), config.limits().mimeParts(), acmeChallenges, metrics, traces,
                    new DnsRecords(config, boundPorts(), new DkimKeys(config.server().dataDir()), dns), storage.webLogins(),
                    config.limits().commandTimeout()));
            for (String line : web.describe()) log.info("{}", line);
        }
        if (config.tls().acme()) {
            Path acmeDir = config.server().dataDir().resolve("acme");
            int webPort = web == null ? -1 : web.port(), webTlsPort = web == null ? -1 : web.tlsPort();
            AcmeRenewal.Challenge challenge = AcmeRenewal.Challenge.choose(config.tls().acmeChallenge(), webPort, webTlsPort);
            acme = new AcmeRenewal(new AcmeRenewal.Settings(config.tls().acmeDirectory(), config.tls().acmeEmail(), config.tls().acmeTrust(), acmeDir,
                    challenge), () -> AcmeRenewal.names(config.server().hostname(), storage.accounts().domains()), certificates, acmeChallenges,
                    Clock.systemUTC());
            acme.start();
            warnIfUnreachable(challenge, webPort, webTlsPort);
        }
        if (!admin.hasAdmin()) log.info("no administrator yet: make one with 'estafeta user add ADDRESS --admin' for the web admin");
    }

    /** RFC 8555 §8.3 and RFC 8737 §3: the CA asks port 80 (http-01) or 443 (tls-alpn-01) of each name. */
    private static void warnIfUnreachable(AcmeRenewal.Challenge challenge, int webPort, int webTlsPort) {
        String type = challenge == AcmeRenewal.Challenge.HTTP_01 ? "http-01" : "tls-alpn-01";
        int port = challenge == AcmeRenewal.Challenge.HTTP_01 ? webPort : webTlsPort;
        int standard = challenge == AcmeRenewal.Challenge.HTTP_01 ? 80 : 443;
        String key = challenge == AcmeRenewal.Challenge.HTTP_01 ? "web.port" : "web.tls_port";
        if (port < 0) log.warn("ACME: {} is disabled, so no CA can validate this server by {} (set {}, or tls.acme_challenge)", key, type, key);
        else if (port != standard) log.info("ACME: {} is answered on port {}; the CA asks port {}, so that must reach it", type, port, standard);
    }

    /**
     * Where certificates come from, in order of preference: the configured PEM pair, ACME's, and
     * (without a configured pair) the self-signed one, which serves until ACME's first order.
     */
    private static List<ServerCertificates.Source> certificateSources(Config config) {
        List<ServerCertificates.Source> sources = new ArrayList<>();
        if (config.tls().certificate() != null) sources.add(new ServerCertificates.Source(config.tls().certificate(), config.tls().privateKey(), true));
        if (config.tls().acme()) sources.add(AcmeRenewal.source(config.server().dataDir().resolve("acme")));
        if (config.tls().certificate() == null) sources.add(TlsContexts.selfSigned(config.server().dataDir().resolve("tls"), config.server().hostname()));
        return sources;
    }

    /**
     * Reads the certificate files again and has ACME look at once (SIGHUP and {@code estafeta
     * reload}): new handshakes on every listener get what is on disk now; open sessions go on.
     */
    public void reloadCertificates() {
        if (certificates != null) certificates.reload();
        if (acme != null) acme.check();
    }

    /** The certificates every TLS listener serves. */
    public ServerCertificates certificates() {
        return certificates;
    }

    /** The arrival checks (SPF, DKIM, DMARC; then rspamd) and DKIM signing, as configured. */
    private void mailAuthentication(Config config) {
        Config.MailAuth m = config.mailAuth();
        // The relay networks send our own mail: neither check looks at it.
        Networks ours = new Networks(config.smtp().relayNetworks());
        if (m.check()) {
            var checks = new MessageAuthentication(new Spf(dns), new DkimVerifier(dns, Clock.systemUTC(), DkimVerifier.DEFAULT_MAX_SIGNATURES),
                    new Dmarc(dns, () -> ThreadLocalRandom.current().nextInt(100)));
            var policy = new AuthenticationCheck.Policy(action(m.dmarcReject()), action(m.dmarcQuarantine()), action(m.spfFail()));
            delivery.addCheck(new AuthenticationCheck(checks, config.server().hostname(), policy, ours::contains));
        }
        Config.Spam spam = m.spam();
        if (!spam.rspamdUrl().isEmpty()) {
            delivery.addCheck(new SpamCheck(new SpamCheck.Settings(java.net.URI.create(spam.rspamdUrl()), spam.rejectScore(), spam.junkScore(),
                    spam.timeout()), config.server().hostname(), ours::contains));
        }
        if (m.dkimSign()) {
            DkimKeys keys = new DkimKeys(config.server().dataDir());
            delivery.signWith(message -> DkimSigner.signAsAuthor(keys, message, Instant.now()));
        }
    }

    private static AuthenticationCheck.Action action(String configured) {
        return AuthenticationCheck.Action.valueOf(configured.toUpperCase(java.util.Locale.ROOT));
    }

    /** The Sieve compiler's and interpreter's limits from the configuration; the rest are SieveLimits' defaults. */
    static SieveLimits sieveLimits(Config config) {
        return SieveLimits.DEFAULT.withMaxScriptBytes(config.sieve().maxScriptBytes()).withMaxRedirects(config.sieve().maxRedirects());
    }

    private ImapServer imapServer(String name, ImapSettings settings, Authenticator authenticator, Quota quota, SSLContext tls) {
        ImapServer server = new ImapServer(name, settings, authenticator, storage.mailboxes(), storage.messages(), storage.blobs(),
                storage.events(), quota, delivery);
        metrics.observe(server);
        applyOnReload(c -> server.reconfigure(ImapSettings.from(c, tls)));
        return server;
    }

    private SmtpServer smtpServer(String name, SmtpRole role, SmtpSettings settings, SSLContext tls) {
        SmtpServer server = new SmtpServer(name, role, settings, authenticator, delivery);
        applyOnReload(c -> server.reconfigure(SmtpSettings.from(c, tls)));
        return server;
    }

    private Pop3Server pop3Server(String name, Pop3Settings settings, SSLContext tls) {
        Pop3Server server = new Pop3Server(name, settings, authenticator, storage.mailboxes(), storage.messages(),
                storage.blobs());
        applyOnReload(c -> server.reconfigure(Pop3Settings.from(c, tls)));
        return server;
    }

    /** How a reloaded configuration reaches a part of this server (see {@link Reload#APPLIED}). */
    private void applyOnReload(java.util.function.Consumer<Config> applier) {
        reload.applyWith(applier);
    }

    /**
     * Runs at every reload (SIGHUP, 'estafeta reload') with the configuration just read, after the
     * listeners took theirs: where a certificate source re-reads its files.
     */
    public void onReload(java.util.function.Consumer<Config> listener) {
        reload.addListener(listener);
    }

    /** Reads the configuration again and applies what can change while sessions run; one line per change. */
    public List<String> reload() {
        return reload.run();
    }

    /**
     * Stops gracefully (SIGTERM): no new connections; sessions end at their next command (SMTP 421
     * 4.3.2, IMAP BYE, POP3 -ERR [SYS/TEMP]), those in the middle of one (a DATA transfer) finish it
     * first, until server.shutdown_timeout; then whatever is left is cut and everything closes.
     */
    public void shutdown() {
        java.time.Duration grace = shutdownTimeout == null ? java.time.Duration.ZERO : shutdownTimeout;
        log.info("shutting down: sessions have {} s to finish", grace.toSeconds());
        for (Listener l : listeners) {
            try {
                l.drain();
            } catch (IOException e) {
                log.warn("closing {}: {}", l.protocolName(), e.toString());
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && listeners.stream().anyMatch(l -> l.openConnections() > 0)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = listeners.stream().mapToInt(Listener::openConnections).sum();
        if (left > 0) log.warn("shutting down: {} session(s) still open after {} s, cut", left, grace.toSeconds());
        for (Listener l : listeners) l.abortAll();
        close();
    }

    private void listen(Config config, int port, Protocol protocol, SSLContext implicitTls, ConnectionLimiter limiter)
            throws IOException {
        if (port < 0) return;
        InetSocketAddress address = new InetSocketAddress(bindAddress(config), port);
        var limits = config.limits();
        var deadlines = new Deadlines(limits.idleTimeout(), limits.tlsHandshakeTimeout(), limits.commandTimeout(), limits.minDataRate());
        Listener listener = new Listener(address, protocol, implicitTls, limiter, deadlines, new Networks(config.net().proxyFrom()), traces);
        listeners.add(listener);
        log.info("{} listening on port {}", protocol.name(), listener.port());
    }

    /** server.bind as an address; null (the wildcard) when it is empty. */
    private static InetAddress bindAddress(Config config) {
        String bind = config.server().bind();
        if (bind.isBlank()) return null;
        try {
            return InetAddress.getByName(bind);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("server.bind must be an address of this machine, was '" + bind + "'");
        }
    }

    /** The web listeners, or null when both are disabled. */
    public WebServer web() {
        return web;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public Admin admin() {
        return admin;
    }

    public SessionTraces traces() {
        return traces;
    }

    private List<String> describeListeners() {
        List<String> out = new ArrayList<>();
        for (Listener l : listeners) out.add(l.protocolName() + " port " + l.port() + ", " + l.openConnections() + " open");
        if (web != null) out.addAll(web.describe());
        return out;
    }

    public Storage storage() {
        return storage;
    }

    /** The actual port of a listener by protocol name ({@code smtp}, {@code smtps}, {@code pop3}, {@code pop3s}); useful with port 0. */
    public int port(String protocol) {
        return listeners.stream().filter(l -> l.protocolName().equals(protocol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener " + protocol)).port();
    }

    /** The mail listeners' ports as bound (port 0 in config becomes the real one), -1 for those not started. */
    private Config.Ports boundPorts() {
        java.util.function.ToIntFunction<String> p = name -> listeners.stream().filter(l -> l.protocolName().equals(name))
                .mapToInt(Listener::port).findFirst().orElse(-1);
        return new Config.Ports(p.applyAsInt("smtp"), p.applyAsInt("submission"), p.applyAsInt("smtps"), p.applyAsInt("odmr"),
                p.applyAsInt("pop3"), p.applyAsInt("pop3s"), p.applyAsInt("imap"), p.applyAsInt("imaps"), p.applyAsInt("managesieve"));
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /** Looks at the outbound queue now (tests, and after the CLI changed it). */
    public void runQueue() {
        if (queueRunner != null) queueRunner.wake();
    }

    @Override
    public void close() {
        if (acme != null) acme.close();
        if (certificates != null) certificates.close();
        if (web != null) web.close();
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                log.warn("closing {}: {}", l.protocolName(), e.toString());
            }
        }
        if (control != null) control.close();
        if (authenticator != null) authenticator.sessions().close();
        if (queueRunner != null) queueRunner.close();
        if (textIndexer != null) textIndexer.close();
        if (delivery != null) AcceptedToday.save(dataDir, delivery);
        recentLog.detach();
        storage.close();
        lock.close();
    }
}
