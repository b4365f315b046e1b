package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.estafeta.store.Account;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web admin and its JSON API: same operations as the CLI, admins only, tokens for scripts. */
class AdminApiTest {

    static TestServer server;
    static String base;
    static final String ADMIN = "jefa@servidor.es";

    @BeforeAll
    static void start() {
        server = TestServer.start();
        base = "http://127.0.0.1:" + server.server().web().port();
        server.server().admin().addUser(ADMIN, TestServer.PASSWORD, true);
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    private static HttpResponse<String> api(WebClient c, String method, String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return c.send(b);
    }

    @Test
    void adminPagesAreForAdminsOnly() {
        WebClient user = new WebClient(base);
        user.login(TestServer.USER, TestServer.PASSWORD);
        assertThat(user.get("/admin").statusCode()).isEqualTo(403);
        String token = WebClient.csrf(user.follow(user.get("/")).body());
        assertThat(user.post("/admin/users/add", WebClient.form("_csrf", token, "address", "x@servidor.es", "password", "p")).statusCode()).isEqualTo(403);
        assertThat(server.server().storage().accounts().account("x@servidor.es")).isEmpty();
    }

    @Test
    void adminCreatesAUserWhoThenLogsIn() {
        WebClient admin = new WebClient(base);
        admin.login(ADMIN, TestServer.PASSWORD);
        HttpResponse<String> page = admin.get("/admin");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Server status", "servidor.es", TestServer.USER, "The queue is empty", "Messages accepted today",
                "smtp port ", " open", "Recent sessions", "web login " + ADMIN);
        String csrf = WebClient.csrf(page.body());
        HttpResponse<String> r = admin.post("/admin/users/add", WebClient.form("_csrf", csrf, "address", "nueva@servidor.es", "password", "clave-nueva"));
        assertThat(r.statusCode()).isEqualTo(302);
        new WebClient(base).login("nueva@servidor.es", "clave-nueva");
        admin.post("/admin/users/disable", WebClient.form("_csrf", csrf, "address", "nueva@servidor.es"));
        WebClient disabled = new WebClient(base);
        String token = WebClient.csrf(disabled.get("/login").body());
        assertThat(disabled.post("/login", WebClient.form("_csrf", token, "user", "nueva@servidor.es", "password", "clave-nueva")).statusCode()).isEqualTo(401);
        admin.post("/admin/aliases/add", WebClient.form("_csrf", csrf, "alias", "ventas@servidor.es", "targets", TestServer.USER));
        assertThat(server.server().storage().accounts().aliasTargets("ventas@servidor.es")).containsExactly(TestServer.USER);
    }

    @Test
    void jsonApiWithTokens() throws Exception {
        WebClient c = new WebClient(base);
        assertThat(api(c, "GET", "/api/users", null, null).statusCode()).isEqualTo(401);
        assertThat(api(c, "GET", "/api/users", "est_wrong", null).statusCode()).isEqualTo(401);
        Account user = server.server().storage().accounts().account(TestServer.USER).orElseThrow();
        // A token made for someone who is not an admin is refused when made.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.server().admin().createApiToken(user, "no"))
                .isInstanceOf(org.estafeta.store.Conflict.class);

        // An admin makes a token in the web admin; it is shown once.
        WebClient admin = new WebClient(base);
        admin.login(ADMIN, TestServer.PASSWORD);
        String csrf = WebClient.csrf(admin.get("/admin").body());
        String shown = admin.post("/admin/tokens/add", WebClient.form("_csrf", csrf, "name", "script")).body();
        String token = java.util.regex.Pattern.compile("id=\"new-token\">([^<]+)<").matcher(shown).results().findFirst().orElseThrow().group(1);

        HttpResponse<String> created = api(c, "POST", "/api/users", token, "{\"address\":\"api@servidor.es\",\"password\":\"secreto-api\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(api(c, "GET", "/api/users", token, null).body()).contains("\"address\":\"api@servidor.es\"");
        assertThat(api(c, "POST", "/api/users", token, "{\"address\":\"not-an-address\",\"password\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(api(c, "PUT", "/api/users/api@servidor.es/password", token, "{\"password\":\"otra-clave\"}").statusCode()).isEqualTo(200);
        new WebClient(base).login("api@servidor.es", "otra-clave");
        assertThat(api(c, "POST", "/api/domains", token, "{\"name\":\"nuevo.example\"}").statusCode()).isEqualTo(201);
        assertThat(api(c, "GET", "/api/domains", token, null).body()).contains("nuevo.example");
        assertThat(api(c, "POST", "/api/aliases", token, "{\"alias\":\"@nuevo.example\",\"targets\":[\"api@servidor.es\"]}").statusCode()).isEqualTo(201);
        assertThat(api(c, "DELETE", "/api/domains/nuevo.example", token, null).statusCode()).isEqualTo(409);
        assertThat(api(c, "DELETE", "/api/aliases/@nuevo.example", token, null).statusCode()).isEqualTo(200);
        assertThat(api(c, "DELETE", "/api/domains/nuevo.example", token, null).statusCode()).isEqualTo(200);
        assertThat(api(c, "GET", "/api/queue", token, null).body()).isEqualTo("[]");
        assertThat(api(c, "DELETE", "/api/queue/NOSUCHID", token, null).statusCode()).isEqualTo(404);
        assertThat(api(c, "GET", "/api/status", token, null).body()).contains("Queued messages");

        // Five wrong passwords for one account from one address (auth.max_failures_per_login): the admin
        // sees that block and lifts it, and the owner logs in at once.
        try (org.estafeta.testing.SmtpDialog smtp = org.estafeta.testing.SmtpDialog.connect(server.port("smtp"))) {
            String wrong = java.util.Base64.getEncoder().encodeToString(("\0" + TestServer.OTHER_USER + "\0mal").getBytes());
            for (int i = 0; i < 5; i++) assertThat(smtp.command("AUTH PLAIN " + wrong)).startsWith("535");
            String right = java.util.Base64.getEncoder().encodeToString(("\0" + TestServer.OTHER_USER + "\0" + TestServer.PASSWORD)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(smtp.command("AUTH PLAIN " + right)).startsWith("454 4.7.0");
            assertThat(api(c, "GET", "/api/auth/blocks", token, null).body())
                    .contains("\"kind\":\"login\"", "\"subject\":\"127.0.0.1 " + TestServer.OTHER_USER + "\"");
            assertThat(api(c, "DELETE", "/api/auth/blocks/" + TestServer.OTHER_USER, token, null).body()).doesNotContain("\"lifted\":0");
            assertThat(api(c, "GET", "/api/auth/blocks", token, null).body()).isEqualTo("[]");
            assertThat(smtp.command("AUTH PLAIN " + right)).startsWith("235");
        }
        assertThat(api(c, "DELETE", "/api/users/api@servidor.es", token, null).statusCode()).isEqualTo(200);
        assertThat(server.server().storage().accounts().account("api@servidor.es")).isEmpty();

        // A per-user quota (the admin's "quota" action): SMTP refuses more mail for that user only
        // (552 5.2.2), IMAP GETQUOTAROOT reports it; back to the default (none) with null.
        assertThat(api(c, "POST", "/api/users/" + TestServer.OTHER_USER + "/quota", token, "{\"bytes\":400}").statusCode()).isEqualTo(200);
        try (org.estafeta.testing.SmtpDialog smtp = org.estafeta.testing.SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send("x@pepito.es", TestServer.OTHER_USER, "Subject: one\r\n\r\nfits\r\n")).startsWith("250");
            assertThat(smtp.send("x@pepito.es", TestServer.OTHER_USER, "Subject: two\r\n\r\nfull\r\n")).startsWith("552 5.2.2");
            assertThat(smtp.send("x@pepito.es", TestServer.USER, "Subject: other\r\n\r\nfine\r\n")).startsWith("250");
        }
        try (java.net.Socket imap = new java.net.Socket("127.0.0.1", server.port("imap"))) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(imap.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            var out = imap.getOutputStream();
            in.readLine();
            out.write(("a LOGIN " + TestServer.OTHER_USER + " \"" + TestServer.PASSWORD + "\"\r\nb GETQUOTAROOT INBOX\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("b ")) seen.append(line).append('\n');
            assertThat(seen).contains("* QUOTA \"\" (STORAGE 1 0)");
        }
        assertThat(api(c, "POST", "/api/users/" + TestServer.OTHER_USER + "/quota", token, "{\"bytes\":null}").statusCode()).isEqualTo(200);
        assertThat(server.server().storage().accounts().quota(server.server().storage().accounts().account(TestServer.OTHER_USER).orElseThrow().id()))
                .isEmpty();
        // The same from the web admin page, in MiB.
        String csrf2 = WebClient.csrf(admin.get("/admin").body());
        admin.post("/admin/users/quota", WebClient.form("_csrf", csrf2, "address", TestServer.OTHER_USER, "mib", "5"));
        assertThat(admin.get("/admin").body()).contains("Quota of pepe@servidor.es set to 5 MiB.", "value=\"5\"");
    }

    /** Issue 10 item 13: a body that is not the JSON asked for is a 400 with what was expected, and no stack trace. */
    @Test
    void malformedJsonIsA400WithAMessageAndNoStackTrace() {
        String token = server.server().admin().createApiToken(server.server().admin().account(ADMIN).orElseThrow(), "json");
        WebClient c = new WebClient(base);
        ch.qos.logback.classic.Logger web = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.estafeta.web");
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        web.addAppender(appender);
        try {
            for (String bad : java.util.List.of("{not json", "", "null", "[1, 2]", "{\"address\": 5, \"password\": {}}", "\"text\"")) {
                HttpResponse<String> r = api(c, "POST", "/api/users", token, bad);
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(r.body()).as(bad).contains("\"error\"", "JSON");
            }
            HttpResponse<String> quota = api(c, "POST", "/api/users/" + TestServer.USER + "/quota", token, "{\"bytes\": \"lots\"}");
            assertThat(quota.statusCode()).isEqualTo(400);
            assertThat(api(c, "POST", "/api/domains", token, "{}").body()).contains("needs \\\"name\\\"");
            assertThat(api(c, "POST", "/api/aliases", token, "{\"targets\": []}").statusCode()).isEqualTo(400);
        } finally {
            web.detachAppender(appender);
        }
        assertThat(appender.list).as("log events").noneMatch(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR));
    }

    /** Issue 16 item 13: API tokens are listed (never the token itself) and revoked, from the page and the API. */
    @Test
    void tokensAreListedAndRevocable() {
        WebClient admin = new WebClient(base);
        admin.login(ADMIN, TestServer.PASSWORD);
        String csrf = WebClient.csrf(admin.get("/admin").body());
        String shown = admin.post("/admin/tokens/add", WebClient.form("_csrf", csrf, "name", "copias nocturnas")).body();
        String token = java.util.regex.Pattern.compile("id=\"new-token\">([^<]+)<").matcher(shown).results().findFirst().orElseThrow().group(1);
        WebClient c = new WebClient(base);
        assertThat(api(c, "GET", "/api/tokens", token, null).body()).contains("copias nocturnas", ADMIN).doesNotContain(token);
        String page = admin.get("/admin").body();
        assertThat(page).contains("copias nocturnas").doesNotContain(token);
        String hash = java.util.regex.Pattern.compile("name=\"hash\" value=\"([0-9a-f]+)\"><button aria-label=\"Revoke token copias nocturnas\"")
                .matcher(page).results().findFirst().orElseThrow().group(1);
        assertThat(admin.post("/admin/tokens/revoke", WebClient.form("_csrf", csrf, "hash", hash)).statusCode()).isEqualTo(302);
        assertThat(admin.get("/admin").body()).contains("Token revoked").doesNotContain("value=\"" + hash + "\"");
        assertThat(api(c, "GET", "/api/tokens", token, null).statusCode()).isEqualTo(401);
        // Revoking over the API.
        String second = server.server().admin().createApiToken(server.server().admin().account(ADMIN).orElseThrow(), "segunda");
        String other = server.server().admin().createApiToken(server.server().admin().account(ADMIN).orElseThrow(), "tercera");
        String secondHash = server.server().admin().apiTokens().stream().filter(t -> t.name().equals("segunda")).findFirst().orElseThrow().hash();
        assertThat(api(c, "DELETE", "/api/tokens/" + secondHash, other, null).statusCode()).isEqualTo(200);
        assertThat(api(c, "GET", "/api/users", second, null).statusCode()).isEqualTo(401);
        assertThat(api(c, "DELETE", "/api/tokens/" + secondHash, other, null).statusCode()).isEqualTo(404);
    }

    /** Issue 10 item 7: a new password or disabling, through the API or straight in the store (the CLI), ends web sessions. */
    @Test
    void passwordChangeOrDisableAnywhereEndsWebSessions() {
        server.server().admin().addUser("sesiones@servidor.es", "clave-primera", false);
        String token = server.server().admin().createApiToken(server.server().admin().account(ADMIN).orElseThrow(), "sesiones");
        WebClient user = new WebClient(base);
        user.login("sesiones@servidor.es", "clave-primera");
        assertThat(user.get("/").statusCode()).isEqualTo(302);
        assertThat(user.follow(user.get("/")).body()).contains("table class=\"messages\"");
        WebClient c = new WebClient(base);
        assertThat(api(c, "PUT", "/api/users/sesiones@servidor.es/password", token, "{\"password\":\"clave-segunda\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> after = user.get("/");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location").orElseThrow()).endsWith("/login");

        user.login("sesiones@servidor.es", "clave-segunda");
        assertThat(api(c, "POST", "/api/users/sesiones@servidor.es/disable", token, null).statusCode()).isEqualTo(200);
        assertThat(user.get("/").headers().firstValue("Location").orElseThrow()).endsWith("/login");

        // The CLI works on the store from another process: the web notices at the next request all the same.
        server.server().storage().accounts().setDisabled("sesiones@servidor.es", false);
        user.login("sesiones@servidor.es", "clave-segunda");
        server.server().storage().accounts().setDisabled("sesiones@servidor.es", true);
        assertThat(user.get("/").headers().firstValue("Location").orElseThrow()).endsWith("/login");
    }

    /** Issue 16 item 13: deleting asks first and says what is lost; a refused form keeps what was typed. */
    @Test
    void deleteAsksFirstAndFormErrorsStayOnThePage() {
        server.server().admin().addUser("borrable@servidor.es", "clave-borrable", false);
        server.deliver("borrable@servidor.es", "From: a@pepito.es\r\nSubject: uno\r\n\r\n" + "x".repeat(9000) + "\r\n");
        WebClient admin = new WebClient(base);
        admin.login(ADMIN, TestServer.PASSWORD);
        String csrf = WebClient.csrf(admin.get("/admin").body());
        HttpResponse<String> ask = admin.post("/admin/users/remove", WebClient.form("_csrf", csrf, "address", "borrable@servidor.es"));
        assertThat(ask.statusCode()).isEqualTo(200);
        assertThat(ask.body()).contains("Delete the user borrable@servidor.es?", "cannot be undone", "name=\"confirm\" value=\"yes\"");
        assertThat(ask.body()).containsPattern("All their mail is deleted: 1 message \\(\\d+([.,]\\d)? KB\\) in \\d+ folders");
        assertThat(server.server().storage().accounts().account("borrable@servidor.es")).isPresent();
        HttpResponse<String> done = admin.post("/admin/users/remove", WebClient.form("_csrf", csrf, "address", "borrable@servidor.es", "confirm", "yes"));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(server.server().storage().accounts().account("borrable@servidor.es")).isEmpty();

        HttpResponse<String> refused = admin.post("/admin/users/add", WebClient.form("_csrf", csrf, "address", "nuevo@servidor.es", "password", "corta"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"add-user-error\"", "at least 8 characters", "value=\"nuevo@servidor.es\"", "Server status")
                .doesNotContain("value=\"corta\"");
        HttpResponse<String> alias = admin.post("/admin/aliases/add", WebClient.form("_csrf", csrf, "alias", "ventas@servidor.es", "targets", "no es una dirección"));
        assertThat(alias.statusCode()).isEqualTo(400);
        assertThat(alias.body()).contains("id=\"add-alias-error\"", "value=\"ventas@servidor.es\"", "value=\"no es una dirección\"");
    }
}
