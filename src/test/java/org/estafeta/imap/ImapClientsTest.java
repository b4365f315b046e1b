package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.estafeta.testing.Processes;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real IMAP clients against a live server whose INBOX was filled through the real SMTP listener:
 * every message they fetch must be byte for byte what SMTP stored, including a multipart one with
 * 8-bit text and one of several megabytes (streamed from the blob).
 */
class ImapClientsTest {

    private TestServer server;
    private List<byte[]> stored;

    static final String TEXT = "From: pepe@pepito.es\r\nTo: usuario@servidor.es\r\nSubject: Prueba con ñ\r\n"
            + "Date: Tue, 24 Nov 2026 08:00:00 +0100\r\nMessage-ID: <uno@pepito.es>\r\n\r\nHola, canción.\r\n\r\n\tfin\r\n";
    static final String MULTIPART = "From: Ana <ana@example.org>\r\nTo: usuario@servidor.es\r\nSubject: Adjunto\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nVer adjunto.\r\n--b1\r\n"
            + "Content-Type: application/pdf; name=\"x.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n";

    static String big() {
        StringBuilder sb = new StringBuilder("From: pepe@pepito.es\r\nTo: usuario@servidor.es\r\nSubject: Grande\r\n\r\n");
        String line = "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\r\n";
        while (sb.length() < 3 * 1024 * 1024) sb.append(line);
        return sb.toString();
    }

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            for (String m : List.of(TEXT, MULTIPART, big())) {
                assertThat(smtp.send("pepe@pepito.es", TestServer.USER, m)).startsWith("250");
            }
        }
        stored = server.inbox(TestServer.USER);
        assertThat(stored).hasSize(3);
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "starttls", "ssl"})
    void pythonImaplib(String mode) throws Exception {
        assertThat(Processes.available("python3")).as("python3 is not installed (./run-tests installs it)").isTrue();
        int port = server.port(mode.equals("ssl") ? "imaps" : "imap");
        byte[] appended = "Subject: guardado\r\n\r\nTexto con ñ\r\n".getBytes(StandardCharsets.UTF_8);
        Processes.Result r = Processes.run(List.of("python3", Processes.resource("imap_session.py").toString(),
                String.valueOf(port), mode, TestServer.USER, TestServer.PASSWORD), appended);
        assertThat(r.exitCode()).as(r.output()).isZero();
        String json = r.output();
        List<byte[]> fetched = new ArrayList<>();
        Matcher list = Pattern.compile("\"messages\": \\[(.*?)]").matcher(json);
        assertThat(list.find()).as(json).isTrue();
        Matcher each = Pattern.compile("\"([A-Za-z0-9+/=]+)\"").matcher(list.group(1));
        while (each.find()) fetched.add(Base64.getDecoder().decode(each.group(1)));
        assertThat(fetched).hasSize(3);
        for (int i = 0; i < 3; i++) assertThat(fetched.get(i)).as("message " + (i + 1)).isEqualTo(stored.get(i));
        assertThat(json).contains("\"exists\": 3", "\\\\Sent) \\\"/\\\" \\\"Sent\\\"");
        assertThat(json).containsPattern("\"append\": \"\\[APPENDUID \\d+ 1\\] APPEND completed\"");
        assertThat(json).containsPattern("\"copy\": \"\\[COPYUID \\d+ 1 1\\] COPY completed\"");
        assertThat(json).contains("\"search_unseen\": \"1 2 3\"");
        Matcher archived = Pattern.compile("\"archived\": \"([A-Za-z0-9+/=]+)\"").matcher(json);
        assertThat(archived.find()).isTrue();
        assertThat(Base64.getDecoder().decode(archived.group(1))).isEqualTo(appended);
        assertThat(json).contains("FLAGS (\\\\Seen \\\\Recent)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "starttls", "imaps"})
    void curl(String mode) throws Exception {
        assertThat(Processes.available("curl")).as("curl is not installed (./run-tests installs it)").isTrue();
        String scheme = mode.equals("imaps") ? "imaps" : "imap";
        String base = scheme + "://127.0.0.1:" + server.port(mode.equals("imaps") ? "imaps" : "imap");
        List<String> common = new ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "30", "--user", TestServer.USER + ":" + TestServer.PASSWORD));
        if (mode.equals("starttls")) common.add("--ssl-reqd");
        for (int uid = 1; uid <= 3; uid++) {
            Path out = Files.createTempFile("curl", ".eml");
            List<String> cmd = new ArrayList<>(common);
            cmd.addAll(List.of("-o", out.toString(), base + "/INBOX/;UID=" + uid));
            Processes.Result r = Processes.run(cmd, new byte[0]);
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(Files.readAllBytes(out)).as("UID " + uid).isEqualTo(stored.get(uid - 1));
            Files.delete(out);
        }
        List<String> listCmd = new ArrayList<>(common);
        listCmd.add(base + "/");
        Processes.Result list = Processes.run(listCmd, new byte[0]);
        assertThat(list.output()).contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "\\Trash) \"/\" \"Trash\"");
        List<String> search = new ArrayList<>(common);
        search.addAll(List.of(base + "/INBOX?SUBJECT%20Adjunto"));
        assertThat(Processes.run(search, new byte[0]).output()).contains("* SEARCH 2");
    }

    /** The labs' dialogue through openssl s_client, as the handout does it: STARTTLS on 143, or 993. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void opensslLabDialogue(boolean implicitTls) throws Exception {
        assertThat(Processes.available("openssl")).as("openssl is not installed (./run-tests installs it)").isTrue();
        String dialogue = "1 login \"usuario\" \"" + TestServer.PASSWORD + "\"\n1 list \"\" \"*\"\n1 select INBOX\n"
                + "1 search subject prueba\n1 fetch 1 body[]\n1 store 1 +flags.silent (\\Deleted)\n1 expunge\n1 logout\n";
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-crlf", "-quiet",
                "-connect", "127.0.0.1:" + server.port(implicitTls ? "imaps" : "imap")));
        if (!implicitTls) cmd.addAll(List.of("-starttls", "imap"));
        Processes.Result r = Processes.run(cmd, dialogue.getBytes(StandardCharsets.UTF_8));
        assertThat(r.output()).contains("1 OK [CAPABILITY", "* LIST (\\HasNoChildren) \"/\" \"INBOX\"", "* 3 EXISTS",
                "1 OK [READ-WRITE] SELECT completed", "* SEARCH 1", "BODY[] {" + stored.getFirst().length + "}",
                "Hola, canción.", "* 1 EXPUNGE", "1 OK EXPUNGE completed", "1 OK LOGOUT completed");
        assertThat(server.inbox(TestServer.USER)).hasSize(2);
    }

    @Test
    void angusMail() throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(server.port("imap")));
        props.put("mail.imap.starttls.enable", "true");
        props.put("mail.imap.starttls.required", "true");
        props.put("mail.imap.ssl.trust", "*");
        props.put("mail.imap.timeout", "10000");
        Session session = Session.getInstance(props);
        try (Store store = session.getStore("imap")) {
            store.connect(TestServer.USER, TestServer.PASSWORD);
            assertThat(Stream.of(store.getDefaultFolder().list("*")).map(Folder::getFullName))
                    .contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Message[] messages = inbox.getMessages();
            assertThat(messages).hasSize(3);
            for (int i = 0; i < 3; i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                messages[i].writeTo(out);
                assertThat(out.toByteArray()).as("message " + (i + 1)).isEqualTo(stored.get(i));
            }
            assertThat(messages[0].getSubject()).isEqualTo("Prueba con ñ");
            assertThat(messages[1].getContentType()).startsWith("multipart/mixed");
            var multipart = (jakarta.mail.Multipart) messages[1].getContent();
            assertThat(multipart.getCount()).isEqualTo(2);
            assertThat(multipart.getBodyPart(1).getFileName()).isEqualTo("x.pdf");
            assertThat(multipart.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(inbox.search(new SubjectTerm("adjunto"))).hasSize(1);
            assertThat(inbox.getUID(messages[2])).isEqualTo(3);

            messages[0].setFlag(Flags.Flag.FLAGGED, true);
            inbox.moveMessages(new Message[] {messages[2]}, store.getFolder("Archive"));

            MimeMessage draft = new MimeMessage(session);
            draft.setSubject("Borrador", "UTF-8");
            draft.setText("Sin terminar, señor.", "UTF-8");
            draft.setFlag(Flags.Flag.DRAFT, true);
            IMAPFolder drafts = (IMAPFolder) store.getFolder("Drafts");
            var uids = drafts.appendUIDMessages(new Message[] {draft});
            assertThat(uids[0].uid).isEqualTo(1);

            messages[1].setFlag(Flags.Flag.DELETED, true);
            inbox.close(true);
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            assertThat(inbox.getMessage(1).isSet(Flags.Flag.FLAGGED)).isTrue();
            inbox.close(false);
            Folder archive = store.getFolder("Archive");
            archive.open(Folder.READ_ONLY);
            ByteArrayOutputStream moved = new ByteArrayOutputStream();
            archive.getMessage(1).writeTo(moved);
            assertThat(moved.toByteArray()).isEqualTo(stored.get(2));
            archive.close(false);
        }
    }
}
