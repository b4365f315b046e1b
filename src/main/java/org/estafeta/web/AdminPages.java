package org.estafeta.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.admin.Admin;
import org.estafeta.store.Account;
import org.estafeta.store.Conflict;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MailboxStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web admin at {@code /admin}: one page, one small form per operation, all through {@link Admin}.
 * A refused form comes back on the same page with its error beside it and what was typed kept;
 * deleting asks first, saying what will be lost.
 */
final class AdminPages {

    private static final Logger log = LoggerFactory.getLogger(AdminPages.class);

    private final WebServer web;
    private final WebServer.Services s;

    AdminPages(WebServer web, WebServer.Services services) {
        this.web = web;
        this.s = services;
    }

    void routes(RoutesConfig r) {
        r.get("/admin", ctx -> page(ctx, null, null));
        r.get("/admin/dns/{domain}", this::dnsRecords);
        r.post("/admin/{section}/{op}", this::operate);
    }

    /** Server status for the admin page and, in English, {@code GET /api/status}. */
    static Map<String, String> status(WebServer.Services s, int webSessions, Texts t) {
        Map<String, String> out = new LinkedHashMap<>();
        var admin = s.admin();
        List<Admin.QueuedMessage> queue = admin.queue();
        out.put(t.t("status.hostname"), s.hostname());
        out.put(t.t("status.domains"), t.number(admin.domains().size()));
        out.put(t.t("status.users"), t.number(admin.users().size()));
        out.put(t.t("status.acceptedToday"), t.number(s.status().acceptedToday()));
        out.put(t.t("status.queued"), t.number(queue.size()));
        out.put(t.t("status.queuedRecipients"), t.number(queue.stream().mapToInt(m -> m.recipients().size()).sum()));
        if (webSessions >= 0) out.put(t.t("status.webSessions"), t.number(webSessions));
        out.put(t.t("status.uptime"), t.duration(Duration.ofMillis(java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime())));
        Runtime rt = Runtime.getRuntime();
        out.put(t.t("status.memory"), t.t("status.memoryOf", t.size(rt.totalMemory() - rt.freeMemory()), t.size(rt.maxMemory())));
        return out;
    }

    /** What {@code estafeta dns DOMAIN} prints, as a page: each record to publish, checked through the resolver. */
    private void dnsRecords(Context ctx) throws java.io.IOException {
        String domain = ctx.pathParam("domain").toLowerCase(java.util.Locale.ROOT);
        if (!s.admin().domains().contains(domain)) throw new io.javalin.http.NotFoundResponse("error.notFound");
        Texts t = WebServer.texts(ctx);
        ctx.html(web.render("dns.jte", new Views.DnsPage(web.chrome(ctx, t.t("dns.title", domain)), domain, s.dnsRecords().check(domain))));
    }

    private void page(Context ctx, String newToken, Views.FormError formError) {
        var admin = s.admin();
        Texts t = WebServer.texts(ctx);
        ctx.html(web.render("admin.jte", new Views.AdminPage(web.chrome(ctx, t.t("admin.title")), status(s, web.sessionCount(), t),
                s.status().listeners(), admin.domains(), admin.users(), admin.aliases(), admin.queue(), admin.apiTokens(), newToken,
                s.status().recentLog().stream().limit(100).toList(), s.authenticator().blocks(), formError)));
    }

    private void operate(Context ctx) {
        String op = ctx.pathParam("section") + "/" + ctx.pathParam("op");
        try {
            run(ctx, op);
        } catch (IllegalArgumentException | Conflict e) {
            // The page again, with the error beside the form that failed and what was typed kept (not the password).
            Texts t = WebServer.texts(ctx);
            Map<String, String> typed = new LinkedHashMap<>();
            ctx.formParamMap().forEach((k, v) -> {
                if (!k.equals("password") && !k.equals("_csrf") && !v.isEmpty()) typed.put(k, v.getFirst());
            });
            log.info("web admin {}: {} refused: {}", WebServer.session(ctx).address, op, e.getMessage());
            ctx.status(400);
            String message = e instanceof Admin.PasswordTooShort tooShort ? t.t("admin.error.passwordLength", tooShort.minimum)
                    : t.has(e.getMessage()) ? t.t(e.getMessage()) : e.getMessage();
            page(ctx, null, new Views.FormError(op, message, typed));
        }
    }

    private void run(Context ctx, String op) {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        Admin admin = s.admin();
        boolean confirmed = "yes".equals(ctx.formParam("confirm"));
        String notice;
        switch (op) {
            case "domains/add" -> notice = t.t("admin.domainAdded", admin.addDomain(form(ctx, "name")));
            case "domains/remove" -> {
                String name = form(ctx, "name");
                if (!confirmed) {
                    confirm(ctx, op, Map.of("name", name), t.t("confirm.domain.title", name), List.of(t.t("confirm.domain.lost", name)));
                    return;
                }
                notice = t.t("admin.domainRemoved", admin.removeDomain(name));
            }
            case "users/add" -> {
                Account a = admin.addUser(form(ctx, "address"), form(ctx, "password"), "true".equals(ctx.formParam("admin")));
                notice = t.t("admin.userCreated", a.address());
            }
            case "users/password" -> {
                String address = form(ctx, "address");
                admin.setPassword(address, form(ctx, "password"));
                // A new password ends the account's logins everywhere (issue 10 item 7).
                admin.account(address).ifPresent(a -> web.endSessions(a.id()));
                notice = t.t("admin.passwordChanged", address);
            }
            case "users/quota" -> {
                String address = form(ctx, "address");
                String mib = ctx.formParam("mib");
                Long bytes;
                try {
                    bytes = mib == null || mib.isBlank() ? null : Math.multiplyExact(Long.parseLong(mib.strip()), 1024L * 1024);
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new IllegalArgumentException("admin.error.quota");
                }
                if (bytes != null && bytes < 0) throw new IllegalArgumentException("admin.error.quota");
                admin.setQuota(address, bytes);
                notice = bytes == null ? t.t("admin.quotaDefault", address) : bytes == 0 ? t.t("admin.quotaNone", address)
                        : t.t("admin.quotaSet", address, t.number(bytes / (1024 * 1024)) + " MiB");
            }
            case "users/disable", "users/enable" -> {
                String address = form(ctx, "address");
                if (address.equalsIgnoreCase(session.address)) throw new IllegalArgumentException("admin.error.disableSelf");
                admin.setDisabled(address, op.endsWith("disable"));
                admin.account(address).ifPresent(a -> { if (a.disabled()) web.endSessions(a.id()); });
                notice = t.t(op.endsWith("disable") ? "admin.userDisabled" : "admin.userEnabled", address);
            }
            case "users/remove" -> {
                String address = form(ctx, "address");
                if (address.equalsIgnoreCase(session.address)) throw new IllegalArgumentException("admin.error.deleteSelf");
                Account account = admin.account(address).orElseThrow(() -> new Conflict("no such account: " + address));
                if (!confirmed) {
                    confirm(ctx, op, Map.of("address", address), t.t("confirm.user.title", address), lostWithUser(t, account));
                    return;
                }
                web.endSessions(account.id());
                admin.removeUser(address);
                notice = t.t("admin.userDeleted", address);
            }
            case "aliases/add" -> {
                List<String> targets = Arrays.stream(form(ctx, "targets").split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
                admin.addAlias(form(ctx, "alias"), targets);
                notice = t.t("admin.aliasAdded", form(ctx, "alias"));
            }
            case "aliases/remove" -> {
                admin.removeAlias(form(ctx, "alias"));
                notice = t.t("admin.aliasRemoved", form(ctx, "alias"));
            }
            case "queue/retry" -> notice = t.count("admin.queueRetried", admin.retry(form(ctx, "id")));
            case "queue/delete" -> {
                String id = form(ctx, "id");
                if (!confirmed) {
                    confirm(ctx, op, Map.of("id", id), t.t("confirm.queued.title", id), List.of(t.t("confirm.queued.lost")));
                    return;
                }
                notice = t.t(admin.deleteQueued(id) ? "admin.queueDeleted" : "admin.queueMissing");
            }
            case "queue/bounce" -> notice = t.count("admin.queueBounced", admin.bounce(form(ctx, "id")));
            case "tokens/add" -> {
                Account me = admin.account(session.address).orElseThrow();
                String token = admin.createApiToken(me, form(ctx, "name"));
                log.info("web admin {}: API token '{}' created", session.address, form(ctx, "name"));
                page(ctx, token, null);
                return;
            }
            case "tokens/revoke" -> {
                if (!admin.revokeApiToken(form(ctx, "hash"))) throw new IllegalArgumentException("admin.error.noToken");
                log.info("web admin {}: API token revoked", session.address);
                notice = t.t("admin.tokenRevoked");
            }
            case "blocks/lift" -> {
                // The failed-login throttle's refusals of an address or an account (issue 10 item 6).
                String subject = form(ctx, "subject");
                s.authenticator().unblock(subject);
                notice = t.t("admin.blocksLifted", subject);
            }
            default -> throw new io.javalin.http.NotFoundResponse("error.noAdminOperation");
        }
        log.info("web admin {}: {} done", session.address, op);
        WebServer.done(ctx, "/admin", notice);
    }

    /** What deleting an account takes with it, in the words of the confirmation page. */
    private List<String> lostWithUser(Texts t, Account account) {
        long messages = 0, bytes = 0, folders = 0;
        for (Mailbox m : s.mailboxes().mailboxes(account.id())) {
            MailboxStatus st = s.mailboxes().status(m.id());
            messages += st.messages();
            bytes += st.size();
            folders++;
        }
        return List.of(t.t("confirm.user.mail", t.count("count.messages", messages), t.size(bytes), t.count("count.folders", folders)),
                t.t("confirm.user.login", account.address()), t.t("confirm.undo"));
    }

    private void confirm(Context ctx, String op, Map<String, String> fields, String title, List<String> lost) {
        Texts t = WebServer.texts(ctx);
        ctx.html(web.render("confirm.jte", new Views.ConfirmPage(web.chrome(ctx, title), "/admin/" + op, fields, title, lost,
                t.t("confirm.button." + op.replace('/', '.')))));
    }

    private static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("admin.error.fill." + name);
        return v.strip();
    }
}
