package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpCookie;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one PostgreSQL, as behind a load balancer that sends each request anywhere: the
 * failed-login throttle and the web sessions are the same on both. Failures through node A refuse
 * the same login on node B, and an admin's lift on A frees it on B; a browser logged in through A is
 * served by B with the same cookie, a logout through B ends it on A, and a new password set through B
 * ends the account's web session on both.
 */
class ClusterStateTest {

    static final String ADMIN = "jefa@servidor.es";

    @RegisterExtension
    static final PostgreSql pg = PostgreSql.perClass();
    static TestServer nodeA, nodeB;

    @BeforeAll
    static void start() throws Exception {
        String db = pg.createDatabase();
        Map<String, String> settings = Map.of("store.url", pg.url(db), "store.user", PostgreSql.USER, "store.password", PostgreSql.PASSWORD,
                "auth.max_failures_per_login", "3");
        nodeA = TestServer.start(settings);
        nodeB = TestServer.start(Files.createTempDirectory("node-b"), settings, false);
        nodeA.server().admin().addUser(ADMIN, TestServer.PASSWORD, true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodeB != null) nodeB.closeAndDelete();
        if (nodeA != null) nodeA.closeAndDelete();
    }

    private static String web(TestServer node) {
        return "http://127.0.0.1:" + node.server().web().port();
    }

    private static String account(String name) {
        String address = name + "@servidor.es";
        nodeA.addAccount(address);
        return address;
    }

    @Test
    void failuresThroughOneNodeThrottleTheLoginOnAnotherUntilAnAdminLiftsItThere() throws Exception {
        String address = account("despistada");
        for (int i = 0; i < 3; i++) assertThat(imapLogin(nodeA, address, "mal" + i)).startsWith("a NO [AUTHENTICATIONFAILED]");
        assertThat(imapLogin(nodeB, address, TestServer.PASSWORD)).as("refused unchecked on the other node").startsWith("a NO [UNAVAILABLE]");
        assertThat(nodeB.server().authenticator().blocks()).anySatisfy(b -> assertThat(b.subject()).isEqualTo("127.0.0.1 " + address));

        WebClient admin = new WebClient(web(nodeA));
        admin.login(ADMIN, TestServer.PASSWORD);
        String csrf = WebClient.csrf(admin.get("/admin").body());
        assertThat(admin.post("/admin/blocks/lift", Map.of("_csrf", csrf, "subject", address)).statusCode()).isEqualTo(302);

        assertThat(nodeB.server().authenticator().blocks()).noneSatisfy(b -> assertThat(b.subject()).contains(address));
        assertThat(imapLogin(nodeB, address, TestServer.PASSWORD)).startsWith("a OK");
    }

    @Test
    void aWebLoginThroughOneNodeIsServedByTheOtherAndLoggingOutThereEndsItOnBoth() {
        String address = account("viajera");
        WebClient onA = new WebClient(web(nodeA));
        onA.login(address, TestServer.PASSWORD);
        WebClient onB = sameBrowser(onA, web(nodeB));

        var page = onB.follow(onB.get("/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(address);

        assertThat(onB.post("/logout", Map.of("_csrf", WebClient.csrf(page.body()))).statusCode()).isEqualTo(302);
        assertLoggedOut(onA);
        assertLoggedOut(onB);
    }

    /** The JSON API of node B sets the password; the session, made on A and shared, ends on both. */
    @Test
    void aNewPasswordSetThroughOneNodeEndsTheWebSessionOnBoth() {
        String address = account("robada");
        WebClient onA = new WebClient(web(nodeA));
        onA.login(address, TestServer.PASSWORD);
        WebClient onB = sameBrowser(onA, web(nodeB));
        assertThat(onB.follow(onB.get("/")).statusCode()).isEqualTo(200);

        String token = nodeA.server().admin().createApiToken(nodeA.server().admin().account(ADMIN).orElseThrow(), "cluster");
        var r = new WebClient(web(nodeB)).send(java.net.http.HttpRequest.newBuilder(URI.create(web(nodeB) + "/api/users/" + address + "/password"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"password\":\"otra-clave-nueva\"}")));
        assertThat(r.statusCode()).isEqualTo(200);

        assertLoggedOut(onA);
        assertLoggedOut(onB);
    }

    /** The other node's address, with this browser's cookies: what a load balancer sending the next request elsewhere amounts to. */
    private static WebClient sameBrowser(WebClient browser, String otherBase) {
        WebClient other = new WebClient(otherBase);
        for (HttpCookie cookie : browser.cookies.getCookieStore().getCookies()) {
            other.cookies.getCookieStore().add(URI.create(otherBase), cookie);
        }
        return other;
    }

    private static void assertLoggedOut(WebClient web) {
        assertThat(web.get("/").headers().firstValue("Location")).hasValue("/login");
    }

    /** The tagged answer to an IMAP LOGIN (plain text is allowed from loopback). */
    private static String imapLogin(TestServer node, String user, String password) throws IOException {
        try (Socket s = new Socket("127.0.0.1", node.port("imap"))) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
            out.write(("a LOGIN \"" + user + "\" \"" + password + "\"\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("a ")) return line;
            }
            return "closed";
        }
    }
}
