package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webmail with UTF-8 addresses (RFC 6532): josé@ejemplo.es logs in, sees a message that came over
 * SMTPUTF8 in the list and in the reading view as it was written, and composes to señora@servidor.es;
 * the fields it writes carry the addresses as they are, not quoted ({@code "josé"@ejemplo.es}) and
 * with names in UTF-8 encoded words, not ISO-8859-1.
 */
class IntlWebmailTest {

    private static final String JOSE = "josé@ejemplo.es", SENORA = "señora@servidor.es";

    private TestServer server;
    private WebClient web;

    @BeforeEach
    void start() {
        server = TestServer.start(Map.of("server.domains", "servidor.es,ejemplo.es"));
        server.addAccount(JOSE);
        server.addAccount(SENORA);
        web = new WebClient("http://127.0.0.1:" + server.server().web().port());
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    private long folder(String user, String name) {
        var account = server.server().storage().accounts().account(user).orElseThrow();
        return server.server().storage().mailboxes().mailbox(account.id(), name).orElseThrow().id();
    }

    @Test
    void aUtf8MessageIsListedAndReadAsItWasWritten() {
        server.deliver(JOSE, "From: Señora Pérez <" + SENORA + ">\r\nTo: José <" + JOSE + ">\r\nCc: info@españa.es\r\n"
                + "Subject: Año nuevo en España\r\n\r\n¡Feliz año!\r\n");
        web.login(JOSE, TestServer.PASSWORD);
        long inbox = folder(JOSE, "INBOX");
        String list = web.get("/box/" + inbox).body();
        assertThat(list).contains("Señora Pérez", "Año nuevo en España");

        long uid = server.inboxMessages(JOSE).getFirst().uid();
        String read = web.get("/box/" + inbox + "/msg/" + uid).body();
        assertThat(read).contains("Señora Pérez &lt;" + SENORA + "&gt;", "José &lt;" + JOSE + "&gt;", "info@españa.es", "¡Feliz año!");
        // A reply goes back to the UTF-8 address, unquoted.
        String reply = web.get("/compose?box=" + inbox + "&uid=" + uid + "&mode=reply").body();
        assertThat(reply).contains(SENORA).doesNotContain("\"señora\"").doesNotContain("&quot;señora&quot;");
    }

    @Test
    void composeToAUtf8AddressWritesItAsItIsAndTheSentListShowsIt() {
        String token = web.login(JOSE, TestServer.PASSWORD);
        HttpResponse<String> r = web.post("/compose", WebClient.form("_csrf", token, "to", "Señora Pérez <" + SENORA + ">",
                "cc", "", "bcc", "", "subject", "Hola", "body", "Un saludo de José.", "do", "send"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        assertThat(web.follow(r).body()).contains("Message sent.");

        String received = server.inboxText(SENORA).getFirst();
        assertThat(received).contains("\r\nFrom: " + JOSE + "\r\n", "\r\nTo: =?UTF-8?Q?Se=C3=B1ora_P=C3=A9rez?= <" + SENORA + ">\r\n");
        assertThat(received).doesNotContain("\"josé\"", "\"señora\"").doesNotContainIgnoringCase("iso-8859-1");

        String sent = web.get("/box/" + folder(JOSE, "Sent")).body();
        assertThat(sent).contains("Señora Pérez &lt;" + SENORA + "&gt;");
    }
}
