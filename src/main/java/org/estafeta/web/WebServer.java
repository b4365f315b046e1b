package org.estafeta.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.estafeta.tls.TlsAlpnChallenges;
import org.estafeta.tls.TlsContexts;
import org.estafeta.tls.acme.Http01Responses;
import org.estafeta.admin.Admin;
import org.estafeta.auth.Authenticator;
import org.estafeta.config.Cidr;
import org.estafeta.config.Config;
import org.estafeta.delivery.Inbound;
import org.estafeta.events.MailboxEvents;
import org.estafeta.events.SessionTraces;
import org.estafeta.net.Networks;
import org.estafeta.store.Account;
import org.estafeta.store.Blobs;
import org.estafeta.store.Conflict;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.SieveScripts;
import org.estafeta.sieve.SieveLimits;
import org.estafeta.store.Messages;
import org.estafeta.store.WebLogins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web listeners: HTTP and HTTPS connectors on one Javalin (Jetty) server, requests on virtual
 * threads. Owns the cross-cutting rules: security headers, the session cookie, CSRF, who may see
 * what ({@code /admin} for admins, {@code /api/} by token), and turning errors into pages.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    static final String SESSION_COOKIE = "estafeta_session";
    static final String LOGIN_COOKIE = "estafeta_login";
    /** The language the user chose ("en", "es"); without it the browser's Accept-Language decides. */
    static final String LANG_COOKIE = "estafeta_lang";
    private static final String SESSION = "session";
    private static final String TEXTS = "texts";

    /** Every page: scripts and styles only from here, no inline script, frames only of our own message bodies. */
    private static final String PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** RFC 8461 §3.3: where senders fetch the MTA-STS policy, at {@code mta-sts.DOMAIN}. */
    private static final String MTA_STS_PATH = "/.well-known/mta-sts.txt";

    /** Paths served without a session. */
    private static final Set<String> PUBLIC = Set.of("/login", "/favicon.ico", "/lang", MetricsEndpoint.PATH, MTA_STS_PATH);

    /** What the web needs of the rest of the server. */
    public record Services(Authenticator authenticator, Mailboxes mailboxes, Messages messages, Blobs blobs, MailboxEvents events,
                           Inbound inbound, Admin admin, StatusSource status, String hostname,
                           long messageSizeLimit, List<Cidr> cleartextLoginNetworks, SieveScripts sieveScripts, SieveLimits sieveLimits,
                           int mimeParts, Http01Responses acmeChallenges, MetricsEndpoint.Source metrics, SessionTraces traces,
                           org.estafeta.admin.DnsRecords dnsRecords, WebLogins webLogins, java.time.Duration requestHeaderTimeout) {
        public Services {
            cleartextLoginNetworks = List.copyOf(cleartextLoginNetworks);
        }
    }

    /** Live figures for the admin's status page, from the wiring that owns the listeners. */
    public interface StatusSource {
        /** One line per listener: name, port, open connections. */
        List<String> listeners();

        long acceptedToday();

        /** Recent session log lines, newest first. */
        List<String> recentLog();

        /** The port each mail listener is bound to, by name ("imaps", "submission"…); disabled ones are absent. */
        java.util.Map<String, Integer> mailPorts();
    }

    private final Javalin app;
    private final Services services;
    private final WebSessions sessions;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Config.Web settings;
    private final List<ServerConnector> connectors = new ArrayList<>();
    private ServerConnector plain, secure;
    /** Load balancers whose connections start with a PROXY header (net.proxy_from); empty, none does. */
    private final Networks proxyFrom;

    private WebServer(Config.Web settings, ServerSocketChannel plainChannel, ServerSocketChannel secureChannel, SSLContext tls,
                      Networks proxyFrom, Services services) {
        this.settings = settings;
        this.proxyFrom = proxyFrom;
        this.services = services;
        this.sessions = new WebSessions(services.webLogins(), settings.sessionTimeout(), java.time.InstantSource.system());
        Webmail webmail = new Webmail(this, services);
        Filters filters = new Filters(this, services, webmail);
        AdminPages adminPages = new AdminPages(this, services);
        AdminApi api = new AdminApi(services);
        ClientSetup clientSetup = new ClientSetup(services);
        long maxBody = services.messageSizeLimit() + 1024 * 1024;
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = maxBody;
            // Instants (queue times, auth blocks) as ISO-8601 text, without pulling in jackson-datatype-jsr310.
            var json = new com.fasterxml.jackson.databind.ObjectMapper().registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(java.time.Instant.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance));
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.multipartConfig.maxFileSize(maxBody, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(maxBody, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1024 * 1024, SizeUnit.BYTES);
            config.staticFiles.enableWebjars();
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/static";
                sf.directory = "/web/static";
                sf.location = Location.CLASSPATH;
            });
            // A disabled port (-1) adds no connector at all: Jetty refuses a null one.
            if (plainChannel != null) config.jetty.addConnector((server, http) -> plain = connector(server, http, plainChannel, null));
            if (secureChannel != null) config.jetty.addConnector((server, http) -> secure = connector(server, http, secureChannel, tls));
            var routes = config.routes;
            routes.before(this::guard);
            routes.get("/lang", this::chooseLanguage);
            routes.get(MTA_STS_PATH, this::mtaStsPolicy);
            routes.get(Http01Responses.PATH + "{token}", this::acmeChallenge);
            webmail.routes(routes);
            filters.routes(routes);
            adminPages.routes(routes);
            new TracePages(this, services).routes(routes);
            api.routes(routes);
            clientSetup.routes(routes);
            if (services.metrics() != null) new MetricsEndpoint(services.metrics()).routes(routes);
            routes.exception(Composer.Invalid.class, (e, ctx) -> error(ctx, 400, e.text(texts(ctx))));
            routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            routes.exception(Conflict.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
            routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
            routes.exception(Exception.class, (e, ctx) -> {
                log.error("web {} {}: {}", ctx.method(), ctx.path(), e.toString(), e);
                error(ctx, 500, "error.internal");
            });
            routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) error(ctx, 404, "error.noPage");
            });
        });
    }

    /**
     * Binds the web ports first, so that a port in use is one clear line like the mail listeners'
     * (Jetty would log its own stack trace), then starts Javalin on the bound sockets.
     */
    public static WebServer start(Config.Web settings, InetAddress bind, SSLContext tls, Networks proxyFrom, Services services)
            throws IOException {
        ServerSocketChannel plainChannel = null, secureChannel = null;
        try {
            plainChannel = settings.port() < 0 ? null : bind("web (http)", "web.port", bind, settings.port());
            secureChannel = settings.tlsPort() < 0 ? null : bind("web (https)", "web.tls_port", bind, settings.tlsPort());
            WebServer server = new WebServer(settings, plainChannel, secureChannel, tls, proxyFrom, services);
            server.app.start();
            return server;
        } catch (IOException | RuntimeException e) {
            if (plainChannel != null) plainChannel.close();
            if (secureChannel != null) secureChannel.close();
            throw e;
        }
    }

    private static ServerSocketChannel bind(String name, String key, InetAddress address, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            channel.bind(new InetSocketAddress(address, port), 512);
        } catch (BindException e) {
            channel.close();
            throw new BindException("cannot listen for " + name + " on port " + port + ": " + e.getMessage()
                    + " (another server running? change the port with " + key + ")");
        }
        return channel;
    }

    private ServerConnector connector(Server server, HttpConfiguration http, ServerSocketChannel channel, SSLContext tls) {
        ServerConnector c;
        // Each connector its own configuration and deadline (the HTTPS one would otherwise copy the HTTP one's).
        RequestHeaderDeadline headerDeadline = new RequestHeaderDeadline(services.requestHeaderTimeout(), server);
        http = new HttpConfiguration(http);
        http.addCustomizer(headerDeadline);
        if (tls == null) {
            c = new ServerConnector(server, withProxy(HttpVersion.HTTP_1_1.asString(), new HttpConnectionFactory(http)));
        } else {
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false);
            https.addCustomizer(src);
            SslContextFactory.Server ssl = new SslContextFactory.Server() {
                @Override
                public javax.net.ssl.SSLParameters customize(javax.net.ssl.SSLParameters parameters) {
                    SSLParameters p = super.customize(parameters);
                    p.setNamedGroups(TlsContexts.NAMED_GROUPS.clone());
                    return p;
                }

                @Override
                public void customize(javax.net.ssl.SSLEngine engine) {
                    super.customize(engine);
                    // A CA validating by TLS-ALPN-01 offers acme-tls/1 and gets the challenge certificate (RFC 8737 §3).
                    engine.setHandshakeApplicationProtocolSelector((e, offered) -> TlsAlpnChallenges.select(offered));
                }
            };
            ssl.setSslContext(tls);
            // The same profile as the mail ports (TlsContexts), no renegotiation at all.
            ssl.setIncludeProtocols(TlsContexts.PROTOCOLS);
            ssl.setIncludeCipherSuites(TlsContexts.CIPHER_SUITES);
            ssl.setUseCipherSuitesOrder(TlsContexts.SERVER_CIPHER_ORDER);
            ssl.setRenegotiationAllowed(false);
            c = new ServerConnector(server, withProxy("SSL", new AcmeTlsAlpnClose(ssl), new HttpConnectionFactory(https)));
        }
        c.addBean(headerDeadline);
        try {
            c.open(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connectors.add(c);
        return c;
    }

    /** The connector's factories, behind a PROXY header reader when load balancers are configured (it comes before TLS). */
    private ConnectionFactory[] withProxy(String next, ConnectionFactory... factories) {
        if (proxyFrom.networks().isEmpty()) return factories;
        ConnectionFactory[] all = new ConnectionFactory[factories.length + 1];
        all[0] = new ProxiedConnections(next, proxyFrom);
        System.arraycopy(factories, 0, all, 1, factories.length);
        return all;
    }

    /** The HTTP port (useful with port 0), or -1 when disabled. */
    public int port() {
        return plain == null ? -1 : plain.getLocalPort();
    }

    public int tlsPort() {
        return secure == null ? -1 : secure.getLocalPort();
    }

    public List<String> describe() {
        List<String> out = new ArrayList<>();
        if (plain != null) out.add("web (http) port " + port());
        if (secure != null) out.add("web (https) port " + tlsPort());
        return out;
    }

    int sessionCount() {
        return sessions.count();
    }

    WebSessions sessions() {
        return sessions;
    }

    /** Logs the account out of the web at once (the guard would also notice at its next request). */
    void endSessions(long accountId) {
        sessions.removeAccount(accountId);
    }

    /**
     * Our MTA-STS policy, for a Host {@code mta-sts.DOMAIN} of one of our domains only (anything else is
     * 404, so the file never vouches for a name we do not serve), as text/plain (§3.3).
     */
    private void mtaStsPolicy(Context ctx) {
        String host = ctx.host() == null ? "" : ctx.host().replaceAll(":\\d+$", "").toLowerCase(java.util.Locale.ROOT);
        String domain = host.startsWith("mta-sts.") ? host.substring("mta-sts.".length()) : "";
        if (!services.admin().domains().contains(domain)) throw new io.javalin.http.NotFoundResponse("error.notFound");
        ctx.contentType("text/plain; charset=utf-8").result(services.dnsRecords().mtaStsPolicy());
    }

    // --- the rules for every request ---

    private void guard(Context ctx) {
        Texts texts = Texts.choose(ctx.cookie(LANG_COOKIE), ctx.header("Accept-Language"));
        ctx.attribute(TEXTS, texts);
        ctx.header("Content-Language", texts.lang());
        ctx.header("Vary", "Accept-Language, Cookie");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", PAGE_CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", "no-store");
        String path = ctx.path();
        // The CA fetches its HTTP-01 answer over plain HTTP from anywhere, with no session (RFC 8555 §8.3).
        if (path.startsWith(Http01Responses.PATH)) return;
        if (settings.redirectHttps() && !ctx.req().isSecure() && secure != null) {
            String host = ctx.host() == null ? services.hostname() : ctx.host().replaceAll(":\\d+$", "");
            String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
            ctx.header("Location", "https://" + host + ":" + tlsPort() + path + query);
            throw new HttpResponseException(HttpStatus.MOVED_PERMANENTLY.getCode(), "error.useHttps");
        }
        if (ctx.req().isSecure()) ctx.header("Strict-Transport-Security", "max-age=31536000");
        if (path.equals("/login") && !ctx.req().isSecure() && !cleartextLoginAllowed(ctx)) {
            // RFC 8314 §3, as the mail protocols refuse AUTH before TLS: from an untrusted network the login
            // form moves to HTTPS, and a password posted over HTTP is refused without being looked at.
            if (secure != null && ctx.method() == HandlerType.GET) {
                String host = ctx.host() == null ? services.hostname() : ctx.host().replaceAll(":\\d+$", "");
                ctx.redirect("https://" + host + ":" + tlsPort() + "/login", HttpStatus.FOUND);
                ctx.skipRemainingHandlers();
                return;
            }
            log.info("web login form over plain HTTP from {} refused: not a lenient network", ctx.req().getRemoteAddr());
            throw new ForbiddenResponse("error.httpsRequired");
        }
        if (path.startsWith("/static/") || path.startsWith("/webjars/")) {
            ctx.header("Cache-Control", "max-age=3600");
            return;
        }
        if (path.startsWith("/api/")) return;
        boolean unsafe = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
        if (PUBLIC.contains(path) || ClientSetup.PUBLIC.contains(path)) {
            if (unsafe && path.equals("/login")) {
                String cookie = ctx.cookie(LOGIN_COOKIE);
                if (cookie == null || !constantEquals(cookie, ctx.formParam("_csrf"))) {
                    throw new ForbiddenResponse("error.formExpired");
                }
            }
            return;
        }
        WebSessions.Session session = sessions.get(ctx.cookie(SESSION_COOKIE)).orElse(null);
        Account account = session == null ? null : services.admin().account(session.address).orElse(null);
        if (session != null && (account == null || account.id() != session.accountId || account.disabled())) {
            // Deleted or disabled since this login: the store ends the sessions with the change (and a new
            // password's too), so this is only a second lock that no path can forget.
            log.info("web session of {} ended: the account was disabled, deleted or given a new password", session.address);
            sessions.removeAccount(session.accountId);
            session = null;
        }
        if (session == null) {
            if (ctx.header("HX-Request") != null || path.equals("/events") || path.endsWith("/trace/stream")) {
                ctx.header("HX-Redirect", "/login");
                throw new HttpResponseException(401, "error.logInFirst");
            }
            if (unsafe) throw new ForbiddenResponse("error.logInFirst");
            ctx.redirect("/login");
            ctx.skipRemainingHandlers();
            return;
        }
        if (unsafe) {
            String token = ctx.header("X-CSRF-Token");
            if (token == null) token = ctx.formParam("_csrf");
            if (!constantEquals(session.csrf, token)) {
                log.info("web {} {}: refused, no valid CSRF token ({})", ctx.method(), path, session.address);
                throw new ForbiddenResponse("error.csrf");
            }
        }
        ctx.attribute(SESSION, session);
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            if (!account.admin()) throw new ForbiddenResponse("error.adminsOnly");
        }
    }

    static boolean constantEquals(String a, String b) {
        if (a == null || b == null) return false;
        return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static WebSessions.Session session(Context ctx) {
        WebSessions.Session s = ctx.attribute(SESSION);
        if (s == null) throw new ForbiddenResponse("error.logInFirst");
        return s;
    }

    /** The language of this request (set by the guard before any handler). */
    static Texts texts(Context ctx) {
        Texts t = ctx.attribute(TEXTS);
        return t == null ? Texts.choose(null, ctx.header("Accept-Language")) : t;
    }

    /** {@code GET /lang?l=es&back=/box/1}: remembers the user's language for a year and goes back. */
    private void chooseLanguage(Context ctx) {
        String lang = Texts.SUPPORTED.stream().map(java.util.Locale::getLanguage).filter(l -> l.equals(ctx.queryParam("l")))
                .findFirst().orElse(null);
        if (lang != null) {
            ctx.res().addHeader("Set-Cookie", LANG_COOKIE + "=" + lang + "; Path=/; Max-Age=31536000; SameSite=Lax"
                    + (ctx.req().isSecure() ? "; Secure" : ""));
        }
        ctx.redirect(Webmail.safeBack(ctx.queryParam("back"), "/"));
    }

    /** {@code GET /.well-known/acme-challenge/TOKEN}: the key authorization while the order waits, else 404. */
    private void acmeChallenge(Context ctx) {
        String answer = services.acmeChallenges().answer(ctx.pathParam("token")).orElseThrow(() -> new HttpResponseException(404, "error.noPage"));
        ctx.contentType("application/octet-stream").result(answer);
    }

    /** Plain-HTTP logins only from the networks where the mail protocols also take a password before TLS. */
    private boolean cleartextLoginAllowed(Context ctx) {
        InetAddress client = clientAddress(ctx);
        return services.cleartextLoginNetworks().stream().anyMatch(n -> n.contains(client));
    }

    static InetAddress clientAddress(Context ctx) {
        try {
            return InetAddress.getByName(ctx.req().getRemoteAddr());
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    void setSessionCookie(Context ctx, String value, int maxAge) {
        ctx.res().addHeader("Set-Cookie", SESSION_COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
                + (ctx.req().isSecure() ? "; Secure" : "") + (maxAge >= 0 ? "; Max-Age=" + maxAge : ""));
    }

    void setLoginCookie(Context ctx, String value) {
        ctx.res().addHeader("Set-Cookie", LOGIN_COOKIE + "=" + value + "; Path=/login; HttpOnly; SameSite=Strict"
                + (ctx.req().isSecure() ? "; Secure" : ""));
    }

    /** Redirects after a change, with a notice for the next page. */
    static void done(Context ctx, String location, String notice) {
        session(ctx).notice(notice);
        ctx.redirect(location);
    }

    static void refused(Context ctx, String location, String error) {
        session(ctx).error(error);
        ctx.redirect(location);
    }

    // --- rendering ---

    String render(String template, Object model) {
        StringOutput out = new StringOutput();
        templates.render(template, model, out);
        return out.toString();
    }

    Views.Chrome chrome(Context ctx, String title) {
        Texts t = texts(ctx);
        String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        WebSessions.Session s = ctx.attribute(SESSION);
        if (s == null) return new Views.Chrome(t, here, title, null, false, null, null, null);
        boolean admin = services.admin().account(s.address).map(Account::admin).orElse(false);
        // An htmx refresh (new mail arriving over SSE) renders only the message list: it must not
        // take the notice meant for the page the browser is about to load.
        if (ctx.header("HX-Request") != null) return new Views.Chrome(t, here, title, s.address, admin, s.csrf, null, null);
        s.noticeShown();
        return new Views.Chrome(t, here, title, s.address, admin, s.csrf, s.notice, s.error);
    }

    /** {@code message} is a bundle key (our own errors) or a text from elsewhere (the store, the admin), shown as is. */
    private void error(Context ctx, int status, String message) {
        ctx.status(status);
        Texts t = ctx.path().startsWith("/api/") ? Texts.of(java.util.Locale.ENGLISH) : texts(ctx);
        String text = message == null ? t.t("error.title") : t.has(message) ? t.t(message) : message;
        if (ctx.path().startsWith("/api/")) {
            ctx.json(java.util.Map.of("error", text));
            return;
        }
        ctx.html(render("error.jte", new Views.ErrorPage(chrome(ctx, t.t("error.title")), status, text)));
    }

    @Override
    public void close() {
        app.stop();
    }


}
