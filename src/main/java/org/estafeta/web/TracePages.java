package org.estafeta.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.events.SessionTraces;

/**
 * The live protocol trace for learners: {@code /trace} shows the dialogue of the user's own mail
 * sessions (every protocol) as it happens, {@code /admin/trace} any session, filtered by protocol,
 * address or session. The page is static; {@code trace.js} opens the matching {@code .../stream}
 * (server-sent events, one JSON object per line) and adds each line as text, never as markup, so a
 * client's line cannot become HTML in the viewer's page.
 */
final class TracePages {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A comment this often shows a stream that went quiet is still wanted (and finds one that is not). */
    private static final Duration PING = Duration.ofSeconds(15);

    private final WebServer web;
    private final WebServer.Services s;

    TracePages(WebServer web, WebServer.Services services) {
        this.web = web;
        this.s = services;
    }

    void routes(RoutesConfig r) {
        r.get("/trace", ctx -> page(ctx, false));
        r.sse("/trace/stream", client -> stream(client, SessionTraces.Filter.own(WebServer.session(client.ctx()).address)));
        r.get("/admin/trace", ctx -> page(ctx, true));
        r.sse("/admin/trace/stream", client -> stream(client, adminFilter(client.ctx())));
    }

    private static SessionTraces.Filter adminFilter(Context ctx) {
        return new SessionTraces.Filter(null, ctx.queryParam("protocol"), ctx.queryParam("address"), ctx.queryParam("session"));
    }

    private void page(Context ctx, boolean admin) {
        Texts t = WebServer.texts(ctx);
        WebSessions.Session session = WebServer.session(ctx);
        SessionTraces.Filter filter = admin ? adminFilter(ctx) : SessionTraces.Filter.own(session.address);
        String stream = admin ? "/admin/trace/stream" + query(filter) : "/trace/stream";
        ctx.html(web.render("trace.jte", new Views.TracePage(web.chrome(ctx, t.t("trace.title")), admin, stream,
                s.traces().sessions(admin ? null : filter), filter.protocol(), filter.address(), filter.session())));
    }

    private static String query(SessionTraces.Filter f) {
        Map<String, String> q = new LinkedHashMap<>();
        if (f.protocol() != null) q.put("protocol", f.protocol());
        if (f.address() != null) q.put("address", f.address());
        if (f.session() != null) q.put("session", f.session());
        StringBuilder sb = new StringBuilder();
        q.forEach((k, v) -> sb.append(sb.isEmpty() ? "?" : "&").append(k).append('=').append(Webmail.url(v)));
        return sb.toString();
    }

    /** Sends the watcher's lines as they come, until the browser goes away. */
    private void stream(SseClient client, SessionTraces.Filter filter) {
        try (var subscription = s.traces().subscribe(filter)) {
            client.sendComment("watching");
            while (!client.terminated()) {
                List<SessionTraces.Event> events = subscription.next(PING);
                if (events.isEmpty()) client.sendComment("ping");
                for (SessionTraces.Event e : events) client.sendEvent("line", json(e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String json(SessionTraces.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("at", e.at().toString());
        m.put("session", e.session());
        m.put("protocol", e.protocol());
        m.put("remote", e.remote());
        m.put("user", e.user());
        m.put("kind", e.kind());
        m.put("text", e.text());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }
}
