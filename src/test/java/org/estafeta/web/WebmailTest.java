package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.estafeta.store.Account;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.MessageSummary;
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

    /** The list shows the store's cached summary (the one IMAP's ENVELOPE comes from): it reads no message content. */
    @Test
    void theListShowsTheStoredSummary() {
        server.deliver(TestServer.USER, "From: Lola <lola@pepito.es>\r\nTo: usuario@servidor.es\r\nSubject: Asunto del contenido\r\n\r\nx\r\n");
        var messages = server.server().storage().messages();
        long inbox = folder(TestServer.USER, "INBOX").id();
        MessageInfo m = messages(TestServer.USER, "INBOX").getLast();
        MessageSummary stored = messages.summaries(inbox, m.uid(), m.uid()).get(m.uid());
        assertThat(stored.subject()).isEqualTo("Asunto del contenido");
        messages.saveSummaries(inbox, Map.of(m.uid(), new MessageSummary(List.of(new MessageSummary.Address("Resumen", "r@pepito.es")),
                stored.to(), stored.cc(), "Asunto del resumen", stored.date(), stored.messageId(), stored.references(),
                stored.hasAttachment(), stored.size(), stored.structure())));
        WebClient web = new WebClient(base);
        web.login(TestServer.USER, TestServer.PASSWORD);
        String list = web.follow(web.get("/")).body();
        assertThat(list).contains("Asunto del resumen", "Resumen &lt;r@pepito.es&gt;").doesNotContain("Asunto del contenido");
        assertThat(web.get("/box/" + inbox + "?sort=subject&q=resumen&field=subject").body()).contains("Asunto del resumen");
    }

    static Mailbox folder(String user, String name) {
        Account a = server.server().storage().accounts().account(user).orElseThrow();
        return server.server().storage().mailboxes().mailbox(a.id(), name).orElseThrow();
    }

    static List<MessageInfo> messages(String user, String folder) {
        return server.server().storage().messages().list(folder(user, folder).id());
    }

    @Test
    void composeWithAnAttachmentGoesThroughSubmissionWithACopyInSent() {
        WebClient web = new WebClient(base);
        String token = web.login(TestServer.USER, TestServer.PASSWORD);
        int before = server.inbox(TestServer.OTHER_USER).size();
        HttpResponse<String> r = web.postMultipart("/compose", WebClient.form("_csrf", token, "to", "Pepe <" + TestServer.OTHER_USER + ">",
                "cc", "", "bcc", "", "subject", "Informe ñandú", "body", "Adjunto el informe.\n.\nUna línea con punto.", "do", "send"),
                Map.of("attachments", Map.entry("informe.pdf", "%PDF-1.4 fake".getBytes(StandardCharsets.UTF_8))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        assertThat(web.follow(r).body()).contains("Message sent.");
        List<String> inbox = server.inboxText(TestServer.OTHER_USER);
        assertThat(inbox).hasSize(before + 1);
        String received = inbox.getLast();
        assertThat(received).contains("Received: from webmail", "with HTTP", "From: usuario@servidor.es", "Message-ID: <",
                "multipart/mixed", "filename=informe.pdf", "Subject: =?");
        assertThat(received).doesNotContain("Bcc:");
        // Issue 16 item 14: UTF-8 encoded words (RFC 2047), not ISO-8859-1, and it reads back as typed.
        assertThat(received).containsPattern("Subject: =\\?(?i:utf-8)\\?").doesNotContainIgnoringCase("iso-8859-1");
        assertThat(messages(TestServer.USER, "Sent")).anyMatch(m -> m.has(Flag.SEEN));
        // Sent shows whom it went to, under a To column.
        long sent = folder(TestServer.USER, "Sent").id();
        String list = web.get("/box/" + sent).body();
        assertThat(list).contains(">To</a></th>", "Informe ñandú", "Pepe &lt;" + TestServer.OTHER_USER + "&gt;").doesNotContain(">From</a></th>");
        assertThat(web.get("/box/" + folder(TestServer.USER, "INBOX").id()).body()).contains(">From</a></th>");
    }

    /**
     * The Sent copy goes through the inbound path like any arrival, quota included; when it is refused
     * the message has still gone, and the page says so rather than "not sent" (which would make the
     * user send it twice).
     */
    @Test
    void aSentCopyRefusedForQuotaStillSaysSentAndKeepsNothing() {
        long usedNow = server.server().storage().mailboxes().usage(folder(TestServer.USER, "INBOX").accountId());
        server.server().storage().accounts().setQuota(TestServer.USER, usedNow + 10);
        try {
            WebClient web = new WebClient(base);
            String token = web.login(TestServer.USER, TestServer.PASSWORD);
            int sentBefore = messages(TestServer.USER, "Sent").size();
            int before = server.inbox(TestServer.OTHER_USER).size();
            HttpResponse<String> r = web.postMultipart("/compose", WebClient.form("_csrf", token, "to", TestServer.OTHER_USER,
                    "cc", "", "bcc", "", "subject", "Sin copia", "body", "Cuerpo", "do", "send"), Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
            assertThat(web.follow(r).body()).contains("Message sent, but no copy could be kept in Sent:");
            assertThat(server.inbox(TestServer.OTHER_USER)).hasSize(before + 1);
            assertThat(messages(TestServer.USER, "Sent")).hasSize(sentBefore);
        } finally {
            server.server().storage().accounts().setQuota(TestServer.USER, null);
        }
    }

    @Test
    void replySearchMoveDeleteAndEmptyTrash() {
        server.deliver(TestServer.USER, "From: Ana <ana@servidor.es>\r\nTo: usuario@servidor.es\r\nSubject: Reunión del martes\r\n"
                + "Message-ID: <reunion-1@servidor.es>\r\n\r\nNos vemos a las diez en la sala azul.\r\n");
        WebClient web = new WebClient(base);
        String token = web.login(TestServer.USER, TestServer.PASSWORD);
        long inbox = folder(TestServer.USER, "INBOX").id();
        long uid = messages(TestServer.USER, "INBOX").getLast().uid();

        HttpResponse<String> read = web.get("/box/" + inbox + "/msg/" + uid);
        assertThat(read.body()).contains("Reunión del martes", "Nos vemos a las diez");
        // Issue 16 item 14: the Move selector offers Archive first, and never the folder the message is in.
        String move = read.body().substring(read.body().indexOf("<select id=\"move-to\""));
        move = move.substring(0, move.indexOf("</select>"));
        assertThat(move).contains("value=\"" + folder(TestServer.USER, "Archive").id() + "\" selected").doesNotContain(">Inbox<")
                .contains(">Drafts<");
        assertThat(messages(TestServer.USER, "INBOX").getLast().has(Flag.SEEN)).isTrue();

        String form = web.get("/compose?box=" + inbox + "&uid=" + uid + "&mode=reply").body();
        assertThat(form).contains("value=\"Re: Reunión del martes\"", "&lt;reunion-1@servidor.es", "&gt; Nos vemos a las diez");

        // Search by body and by subject, as IMAP SEARCH would.
        assertThat(web.get("/box/" + inbox + "?field=body&q=sala+azul").body()).contains("Reunión del martes").contains("1 message matching");
        assertThat(web.get("/box/" + inbox + "?field=subject&q=nada+de+esto").body()).contains("0 messages");
        assertThat(web.get("/box/" + inbox + "?sort=subject&dir=asc&page=1").statusCode()).isEqualTo(200);

        long archive = folder(TestServer.USER, "Archive").id();
        HttpResponse<String> moved = web.post("/box/" + inbox + "/action", WebClient.form("_csrf", token, "uid", "" + uid, "do", "move", "target", "" + archive));
        assertThat(moved.statusCode()).isEqualTo(302);
        assertThat(messages(TestServer.USER, "Archive")).hasSize(1);
        long archived = messages(TestServer.USER, "Archive").getFirst().uid();
        web.post("/box/" + archive + "/action", WebClient.form("_csrf", token, "uid", "" + archived, "do", "delete"));
        assertThat(messages(TestServer.USER, "Archive")).isEmpty();
        assertThat(messages(TestServer.USER, "Trash")).isNotEmpty();
        long trash = folder(TestServer.USER, "Trash").id();
        assertThat(web.get("/box/" + trash).body()).contains("Empty Trash");
        web.post("/box/" + trash + "/empty", WebClient.form("_csrf", token));
        assertThat(messages(TestServer.USER, "Trash")).isEmpty();
    }

    @Test
    void draftsFoldersAndOriginal() {
        WebClient web = new WebClient(base);
        String token = web.login(TestServer.USER, TestServer.PASSWORD);
        HttpResponse<String> saved = web.postMultipart("/compose", WebClient.form("_csrf", token, "to", "", "subject", "Borrador",
                "body", "sin terminar", "do", "draft"), Map.of());
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(messages(TestServer.USER, "Drafts")).anyMatch(m -> m.has(Flag.DRAFT));
        long drafts = folder(TestServer.USER, "Drafts").id();
        long uid = messages(TestServer.USER, "Drafts").getLast().uid();
        HttpResponse<String> raw = web.get("/box/" + drafts + "/msg/" + uid + "/raw");
        assertThat(raw.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(raw.body()).contains("Subject: Borrador", "sin terminar");

        assertThat(web.post("/folders", WebClient.form("_csrf", token, "name", "Proyectos", "do", "create")).statusCode()).isEqualTo(302);
        String page = web.follow(web.get("/")).body();
        assertThat(page).contains(">Proyectos<");
        long id = folder(TestServer.USER, "Proyectos").id();
        web.post("/folders", WebClient.form("_csrf", token, "name", "Proyectos 2026", "folder", "" + id, "do", "rename"));
        assertThat(web.follow(web.get("/")).body()).contains(">Proyectos 2026<");
    }

    /** Issue 16 item 15: the optional conversation view, one line per conversation, remembered until switched off. */
    @Test
    void conversationViewGroupsRepliesAndIsRemembered() {
        server.deliver(TestServer.OTHER_USER, "From: Ana <ana@servidor.es>\r\nSubject: Plan de viaje\r\n\r\nuno\r\n");
        server.deliver(TestServer.OTHER_USER, "From: Luis <luis@servidor.es>\r\nSubject: Re: Plan de viaje\r\n\r\ndos\r\n");
        server.deliver(TestServer.OTHER_USER, "From: Eva <eva@servidor.es>\r\nSubject: RE: Fwd: plan de viaje\r\n\r\ntres\r\n");
        WebClient web = new WebClient(base);
        web.login(TestServer.OTHER_USER, TestServer.PASSWORD);
        String inbox = "/box/" + folder(TestServer.OTHER_USER, "INBOX").id();
        Pattern line = Pattern.compile("<td class=\"subject\"><a [^>]*>(?:<span class=\"sr-only\">[^<]*</span>)?([^<]*[Pp]lan de viaje)</a>([^<]*<span class=\"thread-count\"[^>]*>\\((\\d+)\\))?");
        assertThat(WebClient.all(line, web.get(inbox).body())).hasSize(3);
        String grouped = web.get(inbox + "?threads=1").body();
        assertThat(line.matcher(grouped).results().map(r -> r.group(1) + " " + r.group(3)).toList()).containsExactly("RE: Fwd: plan de viaje 3");
        assertThat(WebClient.all(line, web.get(inbox).body())).as("remembered").hasSize(1);
        assertThat(WebClient.all(line, web.get(inbox + "?threads=0").body())).hasSize(3);
        assertThat(WebClient.all(line, web.get(inbox).body())).hasSize(3);
    }

    /** Issue 16 item 14: the login takes a bare user name, as POP3 USER and IMAP LOGIN do. */
    @Test
    void loginWithABareUserName() {
        WebClient web = new WebClient(base);
        String form = web.get("/login").body();
        assertThat(form).contains("id=\"user\" name=\"user\" type=\"text\"").doesNotContain("type=\"email\"");
        web.login(TestServer.USER.substring(0, TestServer.USER.indexOf('@')), TestServer.PASSWORD);
        assertThat(web.follow(web.get("/")).body()).contains("title=\"Log out " + TestServer.USER + "\"");
    }

    @Test
    void unreadCountsAndSpecialFoldersFirst() {
        server.deliver(TestServer.OTHER_USER, "From: x@y.example\r\nSubject: uno\r\n\r\n1\r\n");
        WebClient web = new WebClient(base);
        web.login(TestServer.OTHER_USER, TestServer.PASSWORD);
        String page = web.follow(web.get("/")).body();
        List<String> labels = Pattern.compile("<li><a href=\"/box/\\d+\"[^>]*>([^<]+)").matcher(page).results().map(m -> m.group(1).strip()).toList();
        assertThat(labels).startsWith("Inbox", "Drafts", "Sent", "Archive", "Junk", "Trash");
        assertThat(page).containsPattern("title=\"\\d+ unread\"");
    }
}
