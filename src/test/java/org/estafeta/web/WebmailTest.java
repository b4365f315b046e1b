package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webmail over real HTTP against a real server: login, reading, actions, compose and the rules around them. */
class WebmailTest {

    static TestServer server;
    static String base;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        base = "http://127.0.0.1:" + server.server().web().port();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    @Test
    void loginShowsTheInboxWithAMessageDeliveredBySmtp() {
        server.deliver(TestServer.USER, "From: Pepe <pepe@pepito.es>\r\nTo: usuario@servidor.es\r\nSubject: Hola desde SMTP\r\n\r\nCuerpo del mensaje\r\n");
        WebClient web = new WebClient(base);
        assertThat(web.get("/").statusCode()).isEqualTo(302);
        web.login(TestServer.USER, TestServer.PASSWORD);
        HttpResponse<String> inbox = web.follow(web.get("/"));
        assertThat(inbox.statusCode()).isEqualTo(200);
        assertThat(inbox.body()).contains("Hola desde SMTP", "Pepe");
        assertThat(inbox.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
    }
}
