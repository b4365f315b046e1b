package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.estafeta.testing.LiveLogins;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 7: disabling an account or giving it a new password, through the JSON API or the web
 * admin, ends the account's live sessions on every mail protocol at once (IMAP in IDLE, POP3,
 * submission, ManageSieve) and its web session; another account's change ends nothing.
 * (The CLI's way is in cli.CliSessionsTest.)
 */
class LoginRevokedTest {

    static TestServer server;
    static String base;
    static String token;
    static WebClient admin;
    static final String ADMIN = "jefa@servidor.es";
    static final String PASSWORD = "clave-de-prueba";

    @BeforeAll
    static void start() {
        server = TestServer.start();
        base = "http://127.0.0.1:" + server.server().web().port();
        var jefa = server.server().admin().addUser(ADMIN, PASSWORD, true);
        token = server.server().admin().createApiToken(jefa, "test");
        admin = new WebClient(base);
        admin.login(ADMIN, PASSWORD);
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    private static String user(String name) {
        String address = name + "@servidor.es";
        server.server().admin().addUser(address, PASSWORD, false);
        return address;
    }

    private static int api(String method, String path, String json) {
        return new WebClient(base).send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))).statusCode();
    }

    private static void adminForm(String action, String... kv) {
        String csrf = WebClient.csrf(admin.get("/admin").body());
        String[] form = new String[kv.length + 2];
        form[0] = "_csrf";
        form[1] = csrf;
        System.arraycopy(kv, 0, form, 2, kv.length);
        assertThat(admin.post("/admin/" + action, WebClient.form(form)).statusCode()).isEqualTo(302);
    }

    private static WebClient webLogin(String address) {
        WebClient web = new WebClient(base);
        web.login(address, PASSWORD);
        return web;
    }

    private static void assertLoggedOut(WebClient web) {
        assertThat(web.get("/").headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void newPasswordThroughTheApi() throws Exception {
        String address = user("api-clave");
        WebClient web = webLogin(address);
        try (LiveLogins live = LiveLogins.open(server, address, PASSWORD)) {
            assertThat(api("PUT", "/api/users/" + address + "/password", "{\"password\":\"otra-clave-nueva\"}")).isEqualTo(200);
            live.assertAllCut();
        }
        assertLoggedOut(web);
    }

    @Test
    void disabledThroughTheApi() throws Exception {
        String address = user("api-baja");
        WebClient web = webLogin(address);
        try (LiveLogins live = LiveLogins.open(server, address, PASSWORD)) {
            assertThat(api("POST", "/api/users/" + address + "/disable", null)).isEqualTo(200);
            live.assertAllCut();
        }
        assertLoggedOut(web);
    }

    @Test
    void newPasswordInTheWebAdmin() throws Exception {
        String address = user("web-clave");
        try (LiveLogins live = LiveLogins.open(server, address, PASSWORD)) {
            adminForm("users/password", "address", address, "password", "otra-clave-nueva");
            live.assertAllCut();
        }
    }

    @Test
    void disabledInTheWebAdmin() throws Exception {
        String address = user("web-baja");
        try (LiveLogins live = LiveLogins.open(server, address, PASSWORD)) {
            adminForm("users/disable", "address", address);
            live.assertAllCut();
        }
    }

    @Test
    void anotherAccountsChangeEndsNothing() throws Exception {
        String address = user("intacta");
        String other = user("vecina");
        try (LiveLogins live = LiveLogins.open(server, address, PASSWORD)) {
            assertThat(api("PUT", "/api/users/" + other + "/password", "{\"password\":\"otra-clave-nueva\"}")).isEqualTo(200);
            assertThat(api("POST", "/api/users/" + other + "/disable", null)).isEqualTo(200);
            // Through more than one check of the live sessions: it must find nothing to end either.
            var sessions = server.server().authenticator().sessions();
            org.awaitility.Awaitility.await().during(org.estafeta.auth.LiveSessions.CHECK_INTERVAL.plusSeconds(1))
                    .atMost(org.estafeta.auth.LiveSessions.CHECK_INTERVAL.plusSeconds(5)).until(() -> sessions.count() >= 4);
            live.assertAllAlive();
        }
    }
}
