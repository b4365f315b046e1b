package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 item 12: every page of the webmail and the admin in English and in Spanish, chosen by the
 * browser's Accept-Language or by the user; no key without its text, no English left on a Spanish
 * page, sizes and dates written the local way.
 */
class WebI18nTest {

    static final String ADMIN = "jefa@servidor.es";
    static TestServer server;
    static String base;

    /** Words of the English interface that must not show on a Spanish page (the mail itself is in Spanish). */
    static final Pattern ENGLISH = Pattern.compile("\\b(Inbox|Log out|Log in|Reply|Forward|Delete|Search|Compose|Subject|Message|"
            + "messages?|Folders?|Drafts|Sent|Trash|Archive|Password|Users?|Domains?|Queue|Remove|Create|Cancel|Size|Date|From|"
            + "Mark|Flag|Move|Attachments?|Status|Uptime|Memory|Server|the|and|with|your|was|were|of)\\b");

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

    private static void deliver() {
        // A message with an attachment of 8,900 bytes: 8.7 KB in English, 8,7 KB in Spanish.
        String attachment = "x".repeat(8900);
        server.deliver(ADMIN, "From: Pepe <pepe@pepito.es>\r\nTo: " + ADMIN + "\r\nSubject: Horario de tutorías\r\n"
                + "Date: Mon, 2 Nov 2026 09:15:30 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHola, te mando el horario.\r\n"
                + "--b\r\nContent-Type: text/plain; name=horario.txt\r\nContent-Disposition: attachment; filename=horario.txt\r\n\r\n"
                + attachment + "\r\n--b--\r\n");
    }

    @Test
    void bothLanguagesHaveTheSameKeys() throws IOException {
        assertThat(keys("es")).isEqualTo(keys("en"));
    }

    private static java.util.Set<String> keys(String lang) throws IOException {
        Properties p = new Properties();
        try (InputStream in = WebI18nTest.class.getResourceAsStream("/web/i18n/texts_" + lang + ".properties")) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new java.util.TreeSet<>(p.stringPropertyNames());
    }

    @Test
    void everyPageInEnglish() {
        Map<String, String> pages = pages("en-GB,en;q=0.9");
        pages.forEach((name, html) -> {
            assertThat(html).as(name).doesNotContain(Texts.MISSING).contains("<html lang=\"en\">");
        });
        assertThat(pages.get("inbox")).contains("Inbox", "Log out", "Horario de tutorías");
        assertThat(pages.get("message")).contains("8.7 KB", "Nov 2, 2026");
        assertThat(pages.get("admin")).contains("Server status", "Messages accepted today");
    }

    @Test
    void everyPageInSpanishWithNoEnglishLeft() {
        Map<String, String> pages = pages("es-ES,es;q=0.9,en;q=0.5");
        pages.forEach((name, html) -> {
            assertThat(html).as(name).doesNotContain(Texts.MISSING).contains("<html lang=\"es\">");
            List<String> english = ENGLISH.matcher(visibleText(html)).results().map(r -> r.group()).distinct().toList();
            assertThat(english).as("English words on the Spanish page " + name).isEmpty();
        });
        assertThat(pages.get("inbox")).contains("Bandeja de entrada", "Cerrar sesión", "Horario de tutorías");
        assertThat(pages.get("message")).contains("8,7 KB", "2 nov 2026");
        assertThat(pages.get("admin")).contains("Estado del servidor", "Mensajes aceptados hoy");
        assertThat(pages.get("confirm")).contains("¿Eliminar el usuario usuario@servidor.es?", "No se puede deshacer");
    }

    @Test
    void theUsersChoiceWinsOverTheBrowser() {
        WebClient web = new WebClient(base);
        web.acceptLanguage = "en-US,en;q=0.9";
        assertThat(web.get("/login").body()).contains("<html lang=\"en\">");
        HttpResponse<String> chosen = web.get("/lang?l=es&back=/login");
        assertThat(chosen.statusCode()).isEqualTo(302);
        assertThat(chosen.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        assertThat(web.get("/login").body()).contains("<html lang=\"es\">", "Iniciar sesión");
        // An unknown language or an open redirect are ignored.
        assertThat(web.get("/lang?l=xx&back=//evil.example/").headers().firstValue("Location").orElseThrow()).endsWith("/");
        assertThat(web.get("/login").body()).contains("<html lang=\"es\">");
        // No preference we have: English.
        WebClient other = new WebClient(base);
        other.acceptLanguage = "de-DE,fr;q=0.8";
        assertThat(other.get("/login").body()).contains("<html lang=\"en\">");
    }

    /** Every kind of page, rendered for a browser that asks for this language. */
    private static Map<String, String> pages(String acceptLanguage) {
        deliver();
        Map<String, String> out = new LinkedHashMap<>();
        WebClient web = new WebClient(base);
        web.acceptLanguage = acceptLanguage;
        out.put("login", web.get("/login").body());
        String token = WebClient.csrf(out.get("login"));
        out.put("login-failed", web.post("/login", WebClient.form("_csrf", token, "user", ADMIN, "password", "wrong")).body());
        String csrf = web.login(ADMIN, TestServer.PASSWORD);
        HttpResponse<String> inbox = web.follow(web.get("/"));
        out.put("inbox", inbox.body());
        String box = inbox.uri().getPath();
        String uid = WebClient.all(Pattern.compile("href=\"" + box + "/msg/(\\d+)\""), inbox.body()).getFirst();
        out.put("message", web.get(box + "/msg/" + uid).body());
        out.put("reply", web.get("/compose?box=" + box.substring(5) + "&uid=" + uid + "&mode=reply").body());
        out.put("compose-error", web.post("/compose", WebClient.form("_csrf", csrf, "do", "send", "to", "", "subject", "x", "body", "y")).body());
        out.put("not-found", web.get("/box/999999").body());
        out.put("admin", web.get("/admin").body());
        out.put("confirm", web.post("/admin/users/remove", WebClient.form("_csrf", csrf, "address", TestServer.USER)).body());
        out.put("admin-form-error", web.post("/admin/users/add", WebClient.form("_csrf", csrf, "address", "corta@servidor.es", "password", "1")).body());
        web.post("/box/" + box.substring(5) + "/action", WebClient.form("_csrf", csrf, "uid", uid, "do", "delete"));
        List<String> folders = WebClient.all(Pattern.compile("href=\"(/box/\\d+)\""), inbox.body());
        for (String f : new ArrayList<>(folders)) out.put("folder " + f, web.get(f).body());
        return out;
    }

    /** The text a person sees or hears: element text and the labels of controls, without tags, scripts or URLs. */
    static String visibleText(String html) {
        // The admin's session log and listener lines are the server's own log, not the interface.
        StringBuilder sb = new StringBuilder(html.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ")
                .replaceAll("(?s)<ol class=\"log\">.*?</ol>", " ").replaceAll("(?s)<[^>]*>", " "));
        for (String attr : List.of("aria-label", "title", "placeholder", "alt")) {
            WebClient.all(Pattern.compile(attr + "=\"([^\"]*)\""), html).forEach(v -> sb.append(' ').append(v));
        }
        // Names that are the same in both languages (the product, the protocol words in the shortcut help).
        return sb.toString().replace("Estafeta", "").replace("English", "").replace("Authorization: Bearer", "");
    }
}
