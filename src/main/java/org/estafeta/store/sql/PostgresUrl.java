package org.estafeta.store.sql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A libpq-style connection URL ({@code postgresql://[user[:password]@]host[:port]/database[?params]},
 * as psql takes it) turned into what pgjdbc takes: its own {@code jdbc:postgresql://} URL, which has no
 * place for the credentials, and the user and password apart. Credentials in the URL win over the
 * separate settings; percent-escapes in them are decoded (a password may hold {@code @} or {@code /}).
 */
record PostgresUrl(String jdbcUrl, String user, String password) {

    static PostgresUrl parse(String url, String user, String password) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("store.url is not a URL: " + e.getMessage(), e);
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("store.url must name a host and a database: postgresql://host[:port]/database");
        }
        String raw = uri.getRawUserInfo();
        if (raw != null) {
            int colon = raw.indexOf(':');
            user = decode(colon < 0 ? raw : raw.substring(0, colon));
            if (colon >= 0) password = decode(raw.substring(colon + 1));
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String jdbc = "jdbc:postgresql://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new PostgresUrl(jdbc, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return jdbcUrl + " as " + user;
    }
}
