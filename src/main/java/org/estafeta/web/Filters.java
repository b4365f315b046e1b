package org.estafeta.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.util.Optional;
import org.estafeta.sieve.Compiler;
import org.estafeta.sieve.SieveException;
import org.estafeta.store.SieveScripts;

/**
 * The webmail's Filters page (simple rules, and the raw Sieve script with its compile errors) and its
 * Out-of-office page. Both write the account's "webmail" script and make it the active one; the
 * script is compiled before it is stored, as ManageSieve does.
 */
final class Filters {

    private final WebServer web;
    private final WebServer.Services s;
    private final Webmail webmail;

    Filters(WebServer web, WebServer.Services services, Webmail webmail) {
        this.web = web;
        this.s = services;
        this.webmail = webmail;
    }

    void routes(RoutesConfig r) {
        r.get("/filters", ctx -> filtersPage(ctx, null, null));
        r.post("/filters/rule", this::rule);
        r.post("/filters/raw", this::raw);
        r.get("/vacation", this::vacationPage);
        r.post("/vacation", this::vacation);
    }

    private String current(long accountId) {
        return s.sieveScripts().get(accountId, FilterRules.SCRIPT).map(SieveScripts.Script::content).orElse("");
    }

    private void filtersPage(Context ctx, String raw, String rawError) {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        String script = current(session.accountId);
        boolean active = s.sieveScripts().active(session.accountId).map(x -> x.name().equals(FilterRules.SCRIPT)).orElse(false);
        ctx.html(web.render("filters.jte", new Views.FiltersPage(web.chrome(ctx, t.t("filters.title")), webmail.folders(t, session, -1),
                FilterRules.parse(script).rules(), raw != null ? raw : script, rawError, active || script.isEmpty())));
    }

    private void rule(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        FilterRules rules = FilterRules.parse(current(session.accountId));
        if ("delete".equals(ctx.formParam("do"))) {
            rules = rules.without(Webmail.intParam(ctx.formParam("index"), -1));
        } else {
            String field = oneOf(ctx.formParam("field"), FilterRules.FIELDS);
            String match = oneOf(ctx.formParam("match"), FilterRules.MATCHES);
            String action = oneOf(ctx.formParam("action"), FilterRules.ACTIONS);
            String header = text(ctx.formParam("header"));
            String value = text(ctx.formParam("value"));
            String argument = text(ctx.formParam("argument"));
            if (field == null || match == null || action == null || value.isEmpty()
                    || field.equals("header") && !header.matches("[!-9;-~]+")
                    || (action.equals("move") || action.equals("forward")) && argument.isEmpty()) {
                WebServer.refused(ctx, "/filters", t.t("filters.incomplete"));
                return;
            }
            rules = rules.with(new FilterRules.Rule(field, header, match, value, action, argument));
        }
        String error = save(session.accountId, rules.toSieve());
        if (error != null) WebServer.refused(ctx, "/filters", t.t("filters.invalid", error));
        else WebServer.done(ctx, "/filters", t.t("filters.saved"));
    }

    /** The raw script: refused with the compiler's line and column, shown again for correction. */
    private void raw(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        String script = Optional.ofNullable(ctx.formParam("script")).orElse("").replace("\r\n", "\n");
        String error = save(session.accountId, script);
        if (error != null) {
            ctx.status(422);
            filtersPage(ctx, script, error);
        } else {
            WebServer.done(ctx, "/filters", t.t("filters.saved"));
        }
    }

    private void vacationPage(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        ctx.html(web.render("vacation.jte", new Views.VacationPage(web.chrome(ctx, t.t("vacation.title")), webmail.folders(t, session, -1),
                FilterRules.parse(current(session.accountId)).vacation())));
    }

    private void vacation(Context ctx) {
        WebSessions.Session session = WebServer.session(ctx);
        Texts t = WebServer.texts(ctx);
        boolean on = ctx.formParam("on") != null;
        LocalDate from, until;
        try {
            from = date(ctx.formParam("from"));
            until = date(ctx.formParam("until"));
        } catch (RuntimeException e) {
            WebServer.refused(ctx, "/vacation", t.t("vacation.badDate"));
            return;
        }
        String text = text(ctx.formParam("text"));
        if (on && text.isEmpty() || from != null && until != null && until.isBefore(from)) {
            WebServer.refused(ctx, "/vacation", t.t(text.isEmpty() ? "vacation.noText" : "vacation.badDate"));
            return;
        }
        var v = new FilterRules.Vacation(on, from, until, text(ctx.formParam("subject")), text);
        String error = save(session.accountId, FilterRules.parse(current(session.accountId)).with(v).toSieve());
        if (error != null) WebServer.refused(ctx, "/vacation", t.t("filters.invalid", error));
        else WebServer.done(ctx, "/vacation", t.t(on ? "vacation.on" : "vacation.off"));
    }

    /** Compiles, stores and activates; returns the compile error ("line 3, column 1: …") or null. */
    private String save(long accountId, String script) {
        try {
            Compiler.check(script, s.sieveLimits());
        } catch (SieveException e) {
            return e.describe();
        }
        s.sieveScripts().put(accountId, FilterRules.SCRIPT, script);
        s.sieveScripts().setActive(accountId, FilterRules.SCRIPT);
        return null;
    }

    private static String oneOf(String value, java.util.List<String> allowed) {
        return allowed.contains(value) ? value : null;
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }

    private static LocalDate date(String value) {
        return value == null || value.isBlank() ? null : LocalDate.parse(value.strip());
    }
}
