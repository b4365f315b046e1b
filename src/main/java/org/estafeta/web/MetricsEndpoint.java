package org.estafeta.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code GET /metrics}: the Prometheus text exposition, for a scraper, not a browser. No web session:
 * the client's address must be in {@code metrics.allow} or it must show the bearer token
 * ({@code metrics.token}, RFC 6750 §2.1). A wrong or missing token where one is configured is 401 with
 * a Bearer challenge; an address outside the list with no token configured is 403.
 */
public final class MetricsEndpoint {

    /** What the web needs of the metrics: who may read them, and the text. */
    public interface Source {
        enum Access { ALLOWED, UNAUTHORIZED, FORBIDDEN }

        /** {@code bearerToken}: what followed "Bearer " in the Authorization field, or null. */
        Access access(InetAddress client, String bearerToken);

        String scrape();
    }

    static final String PATH = "/metrics";
    /** The Prometheus text format, version 0.0.4 (what every scraper reads). */
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Source source;

    MetricsEndpoint(Source source) {
        this.source = source;
    }

    void routes(RoutesConfig r) {
        r.get(PATH, this::scrape);
    }

    private void scrape(Context ctx) throws UnknownHostException {
        String authorization = ctx.header("Authorization");
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
        switch (source.access(InetAddress.getByName(ctx.req().getRemoteAddr()), token)) {
            case ALLOWED -> {
                ctx.contentType(CONTENT_TYPE);
                ctx.result(source.scrape());
            }
            case UNAUTHORIZED -> {
                ctx.header("WWW-Authenticate", token == null ? "Bearer realm=\"metrics\"" : "Bearer realm=\"metrics\", error=\"invalid_token\"");
                ctx.status(401).contentType("text/plain").result("a valid bearer token is needed\n");
            }
            case FORBIDDEN -> ctx.status(403).contentType("text/plain").result("not from this address\n");
        }
    }
}
