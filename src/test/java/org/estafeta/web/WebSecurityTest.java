package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.estafeta.store.Account;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TrustAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web's security rules over real HTTP: sanitising, CSP, CSRF, cookies, header injection, downloads, throttling. */
class WebSecurityTest {

    static TestServer server;
    static String base;
    static final String CANARY = "http://127.0.0.1:9/canary";

    @BeforeAll
    static void start() {
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        server = TestServer.start(Map.of("auth.max_failures", "5"));
        base = "http://127.0.0.1:" + server.server().web().port();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    static long inboxId(String user) {
        Account a = server.server().storage().accounts().account(user).orElseThrow();
        return server.server().storage().mailboxes().mailbox(a.id(), "INBOX").orElseThrow().id();
    }

    static long lastUid(String user) {
        List<MessageInfo> list = server.server().storage().messages().list(inboxId(user));
        return list.getLast().uid();
    }

    @Test
    void hostileHtmlIsSanitisedAndFramedUnderAStrictPolicy() {
        WebClient web = new WebClient(base);
        web.login(TestServer.USER, TestServer.PASSWORD);
        long box = inboxId(TestServer.USER);
        Pattern dangerous = Pattern.compile("(?i)<\\s*(script|svg|form|iframe|object|embed|meta|base|link|style|math|template|applet|frame|isindex|input|button|video|audio|picture|source)\\b"
                + "|\\bon[a-z]+\\s*=|javascript:|vbscript:|expression\\s*\\(|data:|srcset|background=|formaction|behavior|binding");
        // The canary may survive as harmless, escaped text (a title); never in an attribute that loads or navigates.
        Pattern canaryInTag = Pattern.compile("(?i)\\b(src|href|action|data|poster|background|srcset|formaction|content|style)\\s*=\\s*\"[^\"]*127\\.0\\.0\\.1:9");
        for (XssCorpus.Sample sample : XssCorpus.load(CANARY)) {
            server.deliver(TestServer.USER, XssCorpus.mail(sample, TestServer.USER));
            long uid = lastUid(TestServer.USER);
            HttpResponse<String> page = web.get("/box/" + box + "/msg/" + uid);
            assertThat(page.statusCode()).as(sample.name()).isEqualTo(200);
            assertThat(page.body()).as(sample.name()).contains("<iframe class=\"mailhtml\"", "sandbox=\"allow-same-origin allow-popups allow-popups-to-escape-sandbox\"")
                    .doesNotContain("127.0.0.1:9");
            HttpResponse<String> body = web.get("/box/" + box + "/msg/" + uid + "/body");
            assertThat(body.statusCode()).as(sample.name()).isEqualTo(200);
            String csp = body.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).as(sample.name()).contains("default-src 'none'", "img-src 'self';", "sandbox").doesNotContain("script-src");
            String html = body.body().substring(body.body().indexOf("<body>"));
            assertThat(dangerous.matcher(html).find()).as(sample.name() + " kept something dangerous:\n" + html).isFalse();
            assertThat(canaryInTag.matcher(html).find()).as(sample.name() + " kept a remote URL:\n" + html).isFalse();
        }
    }

    @Test
    void remoteImagesAreBlockedUntilAllowedAndLinksOpenSafely() {
        WebClient web = new WebClient(base);
        web.login(TestServer.USER, TestServer.PASSWORD);
        server.deliver(TestServer.USER, "From: a@b.example\r\nSubject: pics\r\nContent-Type: text/html\r\n\r\n"
                + "<p><img src=\"https://images.example/x.png\" alt=\"x\"> <a href=\"https://example.org/\">site</a></p>\r\n");
        long box = inboxId(TestServer.USER), uid = lastUid(TestServer.USER);
        assertThat(web.get("/box/" + box + "/msg/" + uid).body()).contains("1 remote image was blocked", "?images=1");
        String blocked = web.get("/box/" + box + "/msg/" + uid + "/body").body();
        assertThat(blocked).doesNotContain("images.example").contains("href=\"https://example.org/\"", "target=\"_blank\"", "noopener", "noreferrer");
        HttpResponse<String> allowed = web.get("/box/" + box + "/msg/" + uid + "/body?images=1");
        assertThat(allowed.body()).contains("src=\"https://images.example/x.png\"");
        assertThat(allowed.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("img-src 'self' https: http:");
    }

    @Test
    void stateChangesWithoutTheCsrfTokenAreRefused() {
        server.deliver(TestServer.USER, "From: a@b.example\r\nSubject: csrf target\r\n\r\nx\r\n");
        WebClient web = new WebClient(base);
        String token = web.login(TestServer.USER, TestServer.PASSWORD);
        long box = inboxId(TestServer.USER), uid = lastUid(TestServer.USER);
        int before = server.server().storage().messages().list(box).size();
        assertThat(web.post("/box/" + box + "/action", WebClient.form("uid", "" + uid, "do", "delete")).statusCode()).isEqualTo(403);
        assertThat(web.post("/box/" + box + "/action", WebClient.form("uid", "" + uid, "do", "delete", "_csrf", "forged")).statusCode()).isEqualTo(403);
        assertThat(web.post("/compose", WebClient.form("to", TestServer.OTHER_USER, "subject", "x", "body", "y", "do", "send")).statusCode()).isEqualTo(403);
        assertThat(web.post("/logout", Map.of()).statusCode()).isEqualTo(403);
        assertThat(server.server().storage().messages().list(box)).hasSize(before);
        // The token in a header (htmx) or the form works.
        assertThat(web.post("/box/" + box + "/action", WebClient.form("uid", "" + uid, "do", "flag", "_csrf", token)).statusCode()).isEqualTo(302);
        // A login form posted without its double-submit cookie (a login CSRF) is refused.
        WebClient fresh = new WebClient(base);
        assertThat(fresh.post("/login", WebClient.form("user", TestServer.USER, "password", TestServer.PASSWORD, "_csrf", "x")).statusCode()).isEqualTo(403);
    }

    @Test
    void cookiesAreHttpOnlyStrictAndSecureOverHttps() {
        WebClient web = new WebClient(base);
        String token = WebClient.csrf(web.get("/login").body());
        HttpResponse<String> r = web.post("/login", WebClient.form("_csrf", token, "user", TestServer.USER, "password", TestServer.PASSWORD));
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("estafeta_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure");

        WebClient https = new WebClient("https://127.0.0.1:" + server.server().web().tlsPort(), HttpClient.newBuilder().sslContext(TrustAll.context()));
        token = WebClient.csrf(https.get("/login").body());
        r = https.post("/login", WebClient.form("_csrf", token, "user", TestServer.USER, "password", TestServer.PASSWORD));
        assertThat(r.statusCode()).isEqualTo(302);
        cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("estafeta_session=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Secure");
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
    }

    @Test
    void headerInjectionInComposeIsImpossible() {
        WebClient web = new WebClient(base);
        String token = web.login(TestServer.USER, TestServer.PASSWORD);
        int before = server.inbox(TestServer.OTHER_USER).size();
        for (Map<String, String> evil : List.of(
                WebClient.form("to", TestServer.OTHER_USER, "subject", "Hi\r\nBcc: victim@evil.example"),
                WebClient.form("to", TestServer.OTHER_USER + "\r\nBcc: victim@evil.example", "subject", "Hi"),
                WebClient.form("to", TestServer.OTHER_USER, "cc", "a@b.example\nX-Evil: 1", "subject", "Hi"),
                WebClient.form("to", TestServer.OTHER_USER, "subject", "Hi", "in_reply_to", "<a@b>\r\nX-Evil: 1"),
                WebClient.form("to", "not an address", "subject", "Hi"))) {
            var form = new java.util.LinkedHashMap<>(evil);
            form.put("_csrf", token);
            form.put("body", "text");
            form.put("do", "send");
            HttpResponse<String> r = web.postMultipart("/compose", form, Map.of());
            assertThat(r.statusCode()).as(evil.toString()).isEqualTo(400);
            assertThat(r.body()).contains("role=\"alert\"");
        }
        assertThat(server.inbox(TestServer.OTHER_USER)).hasSize(before);
        // A subject with a CR/LF never reaches any stored message either.
        assertThat(server.inboxText(TestServer.OTHER_USER)).noneMatch(m -> m.contains("X-Evil") || m.contains("victim@"));
    }

    @Test
    void attachmentsDownloadAsAttachmentsWithSafeNames() {
        WebClient web = new WebClient(base);
        web.login(TestServer.USER, TestServer.PASSWORD);
        server.deliver(TestServer.USER, "From: a@b.example\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
                + "--z\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--z\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\\\";x.html\"\r\n\r\n<script>alert(1)</script>\r\n"
                + "--z\r\nContent-Type: image/svg+xml\r\nContent-Disposition: inline; filename=\"pic.svg\"\r\nContent-ID: <pic@x>\r\n\r\n<svg onload=\"alert(1)\"/>\r\n--z--\r\n");
        long box = inboxId(TestServer.USER), uid = lastUid(TestServer.USER);
        HttpResponse<byte[]> html = web.getBytes("/box/" + box + "/msg/" + uid + "/part/2");
        assertThat(html.statusCode()).isEqualTo(200);
        String disposition = html.headers().firstValue("Content-Disposition").orElseThrow();
        assertThat(disposition).startsWith("attachment;").doesNotContain("/", "..\\").contains("filename=\"");
        assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");
        assertThat(html.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        // SVG is never served inline, even when asked to.
        HttpResponse<byte[]> svg = web.getBytes("/box/" + box + "/msg/" + uid + "/part/3?inline=1");
        assertThat(svg.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;");
        // Another user's message is not there for this session.
        WebClient pepe = new WebClient(base);
        pepe.login(TestServer.OTHER_USER, TestServer.PASSWORD);
        assertThat(pepe.getBytes("/box/" + box + "/msg/" + uid + "/part/2").statusCode()).isEqualTo(404);
        assertThat(pepe.get("/box/" + box).statusCode()).isEqualTo(404);
    }

    @Test
    void inlineImagesShowFromTheirOwnPart() {
        WebClient web = new WebClient(base);
        web.login(TestServer.USER, TestServer.PASSWORD);
        String png = java.util.Base64.getMimeEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        server.deliver(TestServer.USER, "From: a@b.example\r\nSubject: logo\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=r\r\n\r\n"
                + "--r\r\nContent-Type: text/html\r\n\r\n<p>Logo: <img src=\"cid:logo@x\" alt=\"logo\"></p>\r\n"
                + "--r\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <logo@x>\r\n\r\n" + png + "\r\n--r--\r\n");
        long box = inboxId(TestServer.USER), uid = lastUid(TestServer.USER);
        String body = web.get("/box/" + box + "/msg/" + uid + "/body").body();
        assertThat(body).contains("src=\"/box/" + box + "/msg/" + uid + "/part/2?inline&#61;1\"");
        HttpResponse<byte[]> image = web.getBytes("/box/" + box + "/msg/" + uid + "/part/2?inline=1");
        assertThat(image.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/png");
        assertThat(image.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline;");
        assertThat(image.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void httpCanRedirectToHttps() {
        try (TestServer own = TestServer.start(Map.of("web.redirect_https", "true"))) {
            WebClient web = new WebClient("http://127.0.0.1:" + own.server().web().port());
            HttpResponse<String> r = web.get("/login?x=1");
            assertThat(r.statusCode()).isEqualTo(301);
            assertThat(r.headers().firstValue("Location").orElseThrow())
                    .isEqualTo("https://127.0.0.1:" + own.server().web().tlsPort() + "/login?x=1");
        }
    }

    @Test
    void loginIsThrottledThroughTheSharedAuthenticator() {
        // Last in spirit: it blocks 127.0.0.1 for the failure window, so it uses its own server.
        try (TestServer own = TestServer.start(Map.of("auth.max_failures", "2"))) {
            WebClient web = new WebClient("http://127.0.0.1:" + own.server().web().port());
            for (int i = 0; i < 2; i++) {
                String token = WebClient.csrf(web.get("/login").body());
                HttpResponse<String> r = web.post("/login", WebClient.form("_csrf", token, "user", TestServer.USER, "password", "wrong"));
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(r.body()).contains("Wrong address or password");
            }
            String token = WebClient.csrf(web.get("/login").body());
            HttpResponse<String> r = web.post("/login", WebClient.form("_csrf", token, "user", TestServer.USER, "password", TestServer.PASSWORD));
            assertThat(r.statusCode()).isEqualTo(429);
        }
    }

    /**
     * Issue 10 item 4 (RFC 8314 §3): from a network that is not lenient, the login form over plain HTTP
     * moves to HTTPS and a password posted over HTTP is refused unread, as the mail protocols refuse
     * AUTH before TLS. Here nobody is lenient, so loopback stands for the internet.
     */
    @Test
    void plainHttpLoginFromAnUntrustedNetworkGoesToHttps() {
        TestServer strict = TestServer.start(Map.of("smtp.relay_networks", ""));
        try {
            String plain = "http://127.0.0.1:" + strict.server().web().port();
            WebClient web = new WebClient(plain);
            HttpResponse<String> form = web.get("/login");
            assertThat(form.statusCode()).isEqualTo(302);
            assertThat(form.headers().firstValue("Location").orElseThrow())
                    .isEqualTo("https://127.0.0.1:" + strict.server().web().tlsPort() + "/login");
            HttpResponse<String> posted = web.post("/login", WebClient.form("_csrf", "x", "user", TestServer.USER, "password", TestServer.PASSWORD));
            assertThat(posted.statusCode()).isEqualTo(403);
            assertThat(posted.body()).contains("Log in over HTTPS");
            assertThat(posted.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("estafeta_session="));
            // Over HTTPS the same login works.
            WebClient https = new WebClient("https://127.0.0.1:" + strict.server().web().tlsPort(), HttpClient.newBuilder().sslContext(TrustAll.context()));
            https.login(TestServer.USER, TestServer.PASSWORD);
        } finally {
            strict.closeAndDelete();
        }
        // From a lenient network (loopback by default) plain HTTP still works, for the lab.
        new WebClient(base).login(TestServer.USER, TestServer.PASSWORD);
    }
}
