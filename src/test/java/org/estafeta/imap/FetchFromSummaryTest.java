package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.estafeta.store.Blob;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.MessageSummary;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FETCH ENVELOPE and BODYSTRUCTURE are written from the message's cached typed summary, not from its
 * content; a message stored without one (before schema 15) gets it computed at its first FETCH and
 * saved, answering the same.
 */
class FetchFromSummaryTest {

    private static final String MESSAGE = "From: Pepe <pepe@pepito.es>\r\nTo: ana@cliente.es\r\nSubject: del contenido\r\n"
            + "Message-ID: <a1@pepito.es>\r\n\r\nHola.\r\n";

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send("pepe@pepito.es", TestServer.USER, MESSAGE)).startsWith("250");
        }
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    @Test
    void envelopeAndBodyStructureComeFromTheStoredSummary() throws Exception {
        var messages = server.server().storage().messages();
        long inbox = inbox();
        MessageSummary stored = messages.summaries(inbox, 1, 1).get(1L);
        MessageStructure.Envelope e = stored.structure().envelope();
        MessageStructure.Part body = stored.structure().body();
        messages.saveSummaries(inbox, Map.of(1L, new MessageSummary(stored.from(), stored.to(), stored.cc(), stored.subject(), stored.date(),
                stored.messageId(), stored.references(), stored.hasAttachment(), stored.size(), new MessageStructure(
                new MessageStructure.Envelope(e.date(), "del resumen", e.from(), e.sender(), e.replyTo(), e.to(), e.cc(), e.bcc(),
                        e.inReplyTo(), e.messageId()),
                new MessageStructure.Part(body.type(), "enriched", body.params(), body.id(), body.description(), body.encoding(),
                        body.size(), body.lines(), body.md5(), body.disposition(), body.language(), body.location(), body.children(),
                        null, null)))));

        String fetched = fetch("f FETCH 1 (ENVELOPE BODYSTRUCTURE)");
        assertThat(fetched).contains("\"del resumen\"", "(\"text\" \"enriched\"").doesNotContain("del contenido");
    }

    @Test
    void aMessageWithoutASummaryGetsOneAtItsFirstFetch() throws Exception {
        var messages = server.server().storage().messages();
        long inbox = inbox();
        MessageInfo delivered = messages.list(inbox).getFirst();
        long uid = messages.append(inbox, new Blob(delivered.blob(), delivered.size()), 0, List.of(), Instant.now(), null);
        assertThat(messages.summaries(inbox, uid, uid)).isEmpty();

        String first = fetch("f FETCH 1 (ENVELOPE BODYSTRUCTURE)");
        String second = fetch("f FETCH 2 (ENVELOPE BODYSTRUCTURE)");
        assertThat(second.replace("* 2 FETCH", "* 1 FETCH")).isEqualTo(first);
        assertThat(first).contains("\"del contenido\"", "((\"Pepe\" NIL \"pepe\" \"pepito.es\"))", "\"<a1@pepito.es>\"");
        assertThat(messages.summaries(inbox, uid, uid).get(uid)).isEqualTo(messages.summaries(inbox, 1, 1).get(1L));
    }

    private long inbox() {
        long account = server.server().storage().accounts().account(TestServer.USER).orElseThrow().id();
        return server.server().storage().mailboxes().mailbox(account, "INBOX").orElseThrow().id();
    }

    /** Logs in, selects INBOX and runs the command; its untagged lines. */
    private String fetch(String command) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port("imap"))) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            StringBuilder answer = new StringBuilder();
            for (String c : List.of("l LOGIN " + TestServer.USER + " \"" + TestServer.PASSWORD + "\"", "x SELECT INBOX", command)) {
                out.write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                String tag = c.substring(0, c.indexOf(' ')) + " ";
                for (String line = in.readLine(); !line.startsWith(tag); line = in.readLine()) {
                    if (c.equals(command)) answer.append(line).append('\n');
                }
            }
            return answer.toString();
        }
    }
}
