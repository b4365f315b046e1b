package org.estafeta.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import java.util.List;
import java.util.Map;
import org.estafeta.store.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin operations as JSON under {@code /api/}, for scripts: {@code Authorization: Bearer TOKEN}
 * with a token an admin made in the web admin. No cookies are looked at, so no CSRF token is needed.
 */
final class AdminApi {

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    record DomainRequest(String name) {
    }

    record UserRequest(String address, String password, Boolean admin) {
    }

    /** {@code bytes}: the account's own quota (0 = unlimited), or null for the server default. */
    record QuotaRequest(Long bytes) {
    }

    record PasswordRequest(String password) {
    }

    record AliasRequest(String alias, List<String> targets) {
    }

    private final WebServer.Services s;

    AdminApi(WebServer.Services services) {
        this.s = services;
    }

    void routes(RoutesConfig r) {
        r.get("/api/status", authed(ctx -> ctx.json(AdminPages.status(s, -1, Texts.of(java.util.Locale.ENGLISH)))));
        r.get("/api/listeners", authed(ctx -> ctx.json(s.status().listeners())));
        r.get("/api/log", authed(ctx -> ctx.json(s.status().recentLog())));
        r.get("/api/domains", authed(ctx -> ctx.json(s.admin().domains())));
        r.post("/api/domains", authed(ctx -> created(ctx, Map.of("name", s.admin().addDomain(required(body(ctx, DomainRequest.class).name(), "name"))))));
        r.delete("/api/domains/{name}", authed(ctx -> ok(ctx, Map.of("removed", s.admin().removeDomain(ctx.pathParam("name"))))));
        r.get("/api/users", authed(ctx -> ctx.json(s.admin().users())));
        r.post("/api/users", authed(ctx -> {
            UserRequest u = body(ctx, UserRequest.class);
            Account a = s.admin().addUser(required(u.address(), "address"), required(u.password(), "password"), Boolean.TRUE.equals(u.admin()));
            created(ctx, Map.of("address", a.address(), "admin", a.admin()));
        }));
        r.put("/api/users/{address}/password", authed(ctx -> {
            s.admin().setPassword(ctx.pathParam("address"), required(body(ctx, PasswordRequest.class).password(), "password"));
            ok(ctx, Map.of("address", ctx.pathParam("address")));
        }));
        r.post("/api/users/{address}/quota", authed(ctx -> {
            Long bytes = body(ctx, QuotaRequest.class).bytes();
            s.admin().setQuota(ctx.pathParam("address"), bytes);
            ok(ctx, java.util.Collections.singletonMap("quota", bytes));
        }));
        r.post("/api/users/{address}/disable", authed(ctx -> {
            s.admin().setDisabled(ctx.pathParam("address"), true);
            ok(ctx, Map.of("address", ctx.pathParam("address"), "disabled", true));
        }));
        r.post("/api/users/{address}/enable", authed(ctx -> {
            s.admin().setDisabled(ctx.pathParam("address"), false);
            ok(ctx, Map.of("address", ctx.pathParam("address"), "disabled", false));
        }));
        r.delete("/api/users/{address}", authed(ctx -> {
            s.admin().removeUser(ctx.pathParam("address"));
            ok(ctx, Map.of("removed", ctx.pathParam("address")));
        }));
        // The failed-login throttle's refusals (kept in the server's memory), and lifting them for an IP address or an account.
        r.get("/api/auth/blocks", authed(ctx -> ctx.json(s.authenticator().blocks())));
        r.delete("/api/auth/blocks/{subject}", authed(ctx -> ok(ctx, Map.of("lifted", s.authenticator().unblock(ctx.pathParam("subject"))))));
        r.get("/api/aliases", authed(ctx -> ctx.json(s.admin().aliases())));
        r.post("/api/aliases", authed(ctx -> {
            AliasRequest a = body(ctx, AliasRequest.class);
            s.admin().addAlias(required(a.alias(), "alias"), a.targets() == null ? List.of() : a.targets());
            created(ctx, Map.of("alias", a.alias(), "targets", a.targets()));
        }));
        r.delete("/api/aliases/{alias}", authed(ctx -> {
            s.admin().removeAlias(ctx.pathParam("alias"));
            ok(ctx, Map.of("removed", ctx.pathParam("alias")));
        }));
        r.get("/api/tokens", authed(ctx -> ctx.json(s.admin().apiTokens().stream().map(t -> Map.of("hash", t.hash(), "name", t.name(),
                "owner", t.owner(), "created", t.created().toString())).toList())));
        r.delete("/api/tokens/{hash}", authed(ctx -> {
            if (!s.admin().revokeApiToken(ctx.pathParam("hash"))) throw new NotFoundResponse("no such token");
            ok(ctx, Map.of("revoked", ctx.pathParam("hash")));
        }));
        r.get("/api/queue", authed(ctx -> ctx.json(s.admin().queue())));
        r.get("/api/queue/{id}", authed(ctx -> ctx.json(s.admin().queued(ctx.pathParam("id"))
                .orElseThrow(() -> new NotFoundResponse("no queued message " + ctx.pathParam("id"))))));
        r.post("/api/queue/{id}/retry", authed(ctx -> ok(ctx, Map.of("due", s.admin().retry(ctx.pathParam("id"))))));
        r.post("/api/queue/{id}/bounce", authed(ctx -> ok(ctx, Map.of("bouncing", s.admin().bounce(ctx.pathParam("id"))))));
        r.delete("/api/queue/{id}", authed(ctx -> {
            if (!s.admin().deleteQueued(ctx.pathParam("id"))) throw new NotFoundResponse("no queued message " + ctx.pathParam("id"));
            ok(ctx, Map.of("deleted", ctx.pathParam("id")));
        }));
    }

    private Handler authed(Handler h) {
        return ctx -> {
            String header = ctx.header("Authorization");
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
            Account admin = s.admin().adminForToken(token).orElse(null);
            if (admin == null) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"estafeta\"");
                throw new UnauthorizedResponse("a valid admin API token is needed");
            }
            h.handle(ctx);
            if (ctx.method() != io.javalin.http.HandlerType.GET) {
                log.info("api {} {} {} by {}", ctx.method(), ctx.path(), ctx.statusCode(), admin.address());
            }
        };
    }

    /**
     * The request body as {@code type}. Anything Jackson cannot read (not JSON, the wrong shape, a
     * string where a number goes, {@code null}) is the client's mistake: 400 with what was expected,
     * logged as one line, never a 500 with a stack trace. Jackson's exceptions are checked ones that
     * Javalin rethrows unchecked, hence the catch of Exception.
     */
    private static <T> T body(Context ctx, Class<T> type) {
        String expected = "the body must be a JSON object like " + EXAMPLES.getOrDefault(type, "{}");
        T value;
        try {
            value = ctx.bodyAsClass(type);
        } catch (Exception e) {
            log.info("api {} {}: unreadable JSON body ({})", ctx.method(), ctx.path(), e.getClass().getSimpleName());
            throw new IllegalArgumentException(expected);
        }
        if (value == null) throw new IllegalArgumentException(expected);
        return value;
    }

    private static final Map<Class<?>, String> EXAMPLES = Map.of(
            DomainRequest.class, "{\"name\": \"example.org\"}",
            UserRequest.class, "{\"address\": \"ana@example.org\", \"password\": \"...\", \"admin\": false}",
            QuotaRequest.class, "{\"bytes\": 1073741824}",
            PasswordRequest.class, "{\"password\": \"...\"}",
            AliasRequest.class, "{\"alias\": \"info@example.org\", \"targets\": [\"ana@example.org\"]}");

    /** A field the request must have. */
    private static String required(String value, String field) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("the JSON body needs \"" + field + "\"");
        return value;
    }

    private static void created(Context ctx, Object body) {
        ctx.status(201).json(body);
    }

    private static void ok(Context ctx, Object body) {
        ctx.json(body);
    }

}
