package org.estafeta.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.admin.Admin;
import org.estafeta.store.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The web admin at {@code /admin}: one page, one small form per operation, all through {@link Admin}. */
final class AdminPages {

    private static final Logger log = LoggerFactory.getLogger(AdminPages.class);

    private final WebServer web;
    private final WebServer.Services s;

    AdminPages(WebServer web, WebServer.Services services) {
        this.web = web;
        this.s = services;
    }

    void routes(RoutesConfig r) {
        r.get("/admin", ctx -> page(ctx, null));
        r.post("/admin/{section}/{op}", this::operate);
    }

    /** Server status for the admin page and {@code GET /api/status}. */
    static Map<String, String> status(WebServer.Services s, int webSessions) {
        Map<String, String> out = new LinkedHashMap<>();
        var admin = s.admin();
        List<Admin.QueuedMessage> queue = admin.queue();
        out.put("Host name", s.hostname());
        out.put("Domains", String.valueOf(admin.domains().size()));
        out.put("Users", String.valueOf(admin.users().size()));
        out.put("Messages accepted today", String.valueOf(s.status().acceptedToday()));
        out.put("Queued messages", String.valueOf(queue.size()));
        out.put("Queued recipients", String.valueOf(queue.stream().mapToInt(m -> m.recipients().size()).sum()));
        out.put("Web sessions", String.valueOf(webSessions));
        out.put("Uptime", java.time.Duration.ofMillis(java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime())
                .toString().substring(2).toLowerCase(java.util.Locale.ROOT));
        Runtime rt = Runtime.getRuntime();
        out.put("Memory used", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024) + " MB of " + rt.maxMemory() / (1024 * 1024) + " MB");
        return out;
    }

    private void page(Context ctx, String newToken) {
        var admin = s.admin();
        ctx.html(web.render("admin.jte", new Views.AdminPage(web.chrome(ctx, "Administration"), status(s, web.sessionCount()),
                s.status().listeners(), admin.domains(), admin.users(), admin.aliases(), admin.queue(), newToken,
                s.status().recentLog().stream().limit(100).toList())));
    }

    private void operate(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        Admin admin = s.admin();
        String op = ctx.pathParam("section") + "/" + ctx.pathParam("op");
        String notice;
        switch (op) {
            case "domains/add" -> notice = "Domain " + admin.addDomain(form(ctx, "name")) + " added.";
            case "domains/remove" -> notice = "Domain " + admin.removeDomain(form(ctx, "name")) + " removed.";
            case "users/add" -> {
                Account a = admin.addUser(form(ctx, "address"), form(ctx, "password"), "true".equals(ctx.formParam("admin")));
                notice = "User " + a.address() + " created.";
            }
            case "users/password" -> {
                admin.setPassword(form(ctx, "address"), form(ctx, "password"));
                notice = "Password changed.";
            }
            case "users/quota" -> {
                String address = ctx.formParam("address");
                String mib = ctx.formParam("mib");
                Long bytes = mib == null || mib.isBlank() ? null : Math.multiplyExact(Long.parseLong(mib.strip()), 1024L * 1024);
                admin.setQuota(address, bytes);
                notice = "Quota of " + address + (bytes == null ? " is the server default." : bytes == 0 ? " removed (unlimited)." : " set to " + mib.strip() + " MiB.");
            }
            case "users/disable", "users/enable" -> {
                String address = form(ctx, "address");
                if (address.equalsIgnoreCase(session.address)) throw new IllegalArgumentException("You cannot disable yourself.");
                admin.setDisabled(address, op.endsWith("disable"));
                admin.account(address).ifPresent(a -> { if (a.disabled()) web.sessions().removeAccount(a.id()); });
                notice = "User " + address + (op.endsWith("disable") ? " disabled." : " enabled.");
            }
            case "users/remove" -> {
                String address = form(ctx, "address");
                if (address.equalsIgnoreCase(session.address)) throw new IllegalArgumentException("You cannot delete yourself.");
                admin.account(address).ifPresent(a -> web.sessions().removeAccount(a.id()));
                admin.removeUser(address);
                notice = "User " + address + " deleted.";
            }
            case "aliases/add" -> {
                List<String> targets = Arrays.stream(form(ctx, "targets").split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
                admin.addAlias(form(ctx, "alias"), targets);
                notice = "Alias added.";
            }
            case "aliases/remove" -> {
                admin.removeAlias(form(ctx, "alias"));
                notice = "Alias removed.";
            }
            case "queue/retry" -> notice = admin.retry(form(ctx, "id")) + " recipient(s) due now.";
            case "queue/delete" -> notice = admin.deleteQueued(form(ctx, "id")) ? "Deleted from the queue." : "No such queued message.";
            case "queue/bounce" -> notice = admin.bounce(form(ctx, "id")) + " recipient(s) will bounce.";
            case "tokens/add" -> {
                Account me = admin.account(session.address).orElseThrow();
                String token = admin.createApiToken(me, form(ctx, "name"));
                log.info("web admin {}: API token '{}' created", session.address, form(ctx, "name"));
                page(ctx, token);
                return;
            }
            default -> throw new io.javalin.http.NotFoundResponse("There is no such admin operation.");
        }
        log.info("web admin {}: {} done", session.address, op);
        WebServer.done(ctx, "/admin", notice);
    }

    private static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("Fill in " + name + ".");
        return v.strip();
    }
}
