package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SEARCH TEXT/BODY answers the same from the full-text index as from reading every message: without
 * the background indexer the first search reads the messages and fills the index, the second is
 * answered from it, and both must agree for every key on a corpus of the encodings mail comes in;
 * with it, arriving mail is indexed before anyone searches.
 */
class SearchIndexTest {

    /** Subject in encoded words, quoted-printable and base64 bodies, HTML, an attachment, a folded header. */
    private static final List<String> CORPUS = List.of(
            "From: Pepe <pepe@pepito.es>\r\nSubject: =?UTF-8?Q?Reuni=C3=B3n_del_lunes?=\r\n\r\nNos vemos en la sala 4.\r\n",
            "From: ana@cliente.es\r\nSubject: informe\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                    + "El ca=C3=B1=C3=B3n est=C3=A1 listo; 100% =\r\nrevisado_ok.\r\n",
            "From: web@tienda.es\r\nSubject: oferta\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div class=\"promo\"><b>Descuento</b> del 20%</div>\r\n",
            "From: x@y.es\r\nSubject: adjunto\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                    + "Va el PDF.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKc2VjcmV0bw==\r\n--b--\r\n",
            "From: z@y.es\r\nSubject: una linea\r\n plegada larga\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + java.util.Base64.getMimeEncoder().encodeToString("Texto en base64 con Ñandú.".getBytes(StandardCharsets.UTF_8)) + "\r\n");

    private static final List<String> KEYS = List.of("TEXT reunión", "TEXT REUNIÓN", "BODY sala", "TEXT pepe@pepito.es", "BODY pepe",
            "BODY cañón", "BODY \"100% revisado_ok\"", "BODY \"100%\"", "BODY _", "BODY descuento", "BODY div", "TEXT promo", "BODY pdf",
            "BODY secreto", "TEXT \"linea plegada\"", "BODY ñandú", "BODY NANDU", "TEXT a", "BODY \"\"", "OR BODY sala BODY cañón",
            "NOT TEXT es", "TEXT informe BODY listo");

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.closeAndDelete();
    }

    @Test
    void theIndexAnswersAsReadingEveryMessageDoes() throws Exception {
        start(false);
        var messages = server.server().storage().messages();
        long inbox = inbox();
        assertThat(messages.unindexedBlobs(inbox)).hasSize(CORPUS.size());

        Map<String, String> scanned = searchAll();
        assertThat(messages.unindexedBlobs(inbox)).isEmpty();
        Map<String, String> indexed = searchAll();
        assertThat(indexed).isEqualTo(scanned);
        assertExpectedAnswers(scanned);

        // The text goes with the last message that has it.
        assertThat(messages.blobsContaining(inbox, "", false)).hasSize(CORPUS.size());
        imap("a STORE 1:2 +FLAGS (\\Deleted)", "a EXPUNGE");
        assertThat(messages.blobsContaining(inbox, "", false)).hasSize(CORPUS.size() - 2);
    }

    @Test
    void arrivingMailIsIndexedInTheBackground() throws Exception {
        start(true);
        var messages = server.server().storage().messages();
        long inbox = inbox();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!messages.unindexedBlobs(inbox).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(messages.unindexedBlobs(inbox)).as("indexed without any search").isEmpty();

        assertExpectedAnswers(searchAll());
    }

    private void start(boolean backgroundIndex) throws Exception {
        server = TestServer.start(Map.of("search.background_index", String.valueOf(backgroundIndex)));
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            for (String m : CORPUS) assertThat(smtp.send("pepe@pepito.es", TestServer.USER, m)).startsWith("250");
        }
    }

    /** The answers themselves, so that agreeing on nothing cannot pass. */
    private static void assertExpectedAnswers(Map<String, String> answers) {
        assertThat(answers).containsEntry("TEXT reunión", "1").containsEntry("TEXT REUNIÓN", "1").containsEntry("BODY cañón", "2")
                .containsEntry("BODY \"100% revisado_ok\"", "2").containsEntry("BODY \"100%\"", "2").containsEntry("BODY _", "2")
                .containsEntry("BODY descuento", "3").containsEntry("BODY div", "").containsEntry("BODY secreto", "")
                .containsEntry("TEXT \"linea plegada\"", "5").containsEntry("BODY ñandú", "5").containsEntry("BODY NANDU", "")
                .containsEntry("BODY \"\"", "1 2 3 4 5").containsEntry("OR BODY sala BODY cañón", "1 2").containsEntry("BODY pepe", "");
    }

    private long inbox() {
        return server.server().storage().mailboxes().mailbox(id(), "INBOX").orElseThrow().id();
    }

    private long id() {
        return server.server().storage().accounts().account(TestServer.USER).orElseThrow().id();
    }

    /** Each key's UID SEARCH result, in one session. */
    private Map<String, String> searchAll() throws Exception {
        List<String> commands = new ArrayList<>();
        for (String key : KEYS) commands.add("s UID SEARCH CHARSET UTF-8 " + key);
        List<String> answers = imap(commands.toArray(String[]::new));
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.size(); i++) out.put(KEYS.get(i), answers.get(i));
        return out;
    }

    /** Logs in, selects INBOX, runs each command; for each, its "* SEARCH" numbers (or the tagged reply). */
    private List<String> imap(String... commands) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port("imap"))) {
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            List<String> answers = new ArrayList<>();
            List<String> all = new ArrayList<>(List.of("l LOGIN " + TestServer.USER + " \"" + TestServer.PASSWORD + "\"", "e ENABLE UTF8=ACCEPT", "x SELECT INBOX"));
            all.addAll(List.of(commands));
            for (String command : all) {
                out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                String tag = command.substring(0, command.indexOf(' ')) + " ";
                String answer = null;
                for (String line = in.readLine(); ; line = in.readLine()) {
                    if (line.startsWith("* SEARCH")) answer = line.substring("* SEARCH".length()).strip();
                    if (line.startsWith(tag)) {
                        assertThat(line).as(command).startsWith(tag + "OK");
                        break;
                    }
                }
                if (commands.length > 0 && all.indexOf(command) >= 3) answers.add(answer == null ? "" : answer);
            }
            return answers;
        }
    }
}
