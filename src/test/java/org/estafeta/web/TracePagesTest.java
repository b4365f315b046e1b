package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may open which trace page and stream: the owner's own, administrators every one, nobody without a login. */
class TracePagesTest {

    static TestServer server;
    static String base;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.server().admin().addUser("jefa@servidor.es", TestServer.PASSWORD, true);
        base = "http://127.0.0.1:" + server.server().web().port();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    @Test
    void withoutALoginNothing() {
        WebClient anonymous = new WebClient(base);
        assertThat(anonymous.get("/trace/stream").statusCode()).isEqualTo(401);
        assertThat(anonymous.get("/admin/trace/stream").statusCode()).isEqualTo(401);
        HttpResponse<String> page = anonymous.get("/trace");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void aUserHasTheirOwnPageButNotTheAdministratorsOne() {
        WebClient user = new WebClient(base);
        user.login(TestServer.USER, TestServer.PASSWORD);
        HttpResponse<String> page = user.get("/trace");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-stream=\"/trace/stream\"", "<script src=\"/static/trace.js\" defer></script>")
                .doesNotContain("id=\"trace-filter\"", "/admin/trace");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'", "connect-src 'self'");
        assertThat(user.get("/admin/trace").statusCode()).isEqualTo(403);
        assertThat(user.get("/admin/trace/stream").statusCode()).isEqualTo(403);
    }

    @Test
    void theAdministratorsFilterIsEscapedIntoThePage() {
        WebClient admin = new WebClient(base);
        admin.login("jefa@servidor.es", TestServer.PASSWORD);
        HttpResponse<String> page = admin.get("/admin/trace?protocol=smtp&address=%22%3E%3Cscript%3Ex()%3C/script%3E");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<script>x()").contains("data-stream=\"/admin/trace/stream?protocol=smtp&amp;address=")
                .contains("value=\"&#34;>&lt;script>x()&lt;/script>\"");
    }
}
