package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * josé@españa.es with Python's own clients as the judge: smtplib sends with SMTPUTF8 (RFC 6531) and
 * with BDAT chunks (RFC 3030, by hand), imaplib reads both after ENABLE UTF8=ACCEPT (RFC 6855), poplib
 * after UTF8 (RFC 6856); each message comes back byte for byte. Angus Mail with
 * {@code mail.mime.allowutf8} does the same from Java: SMTPUTF8 in BDAT chunks, then IMAP after its
 * own ENABLE UTF8=ACCEPT.
 */
class InternationalClientsTest {

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.closeAndDelete();
    }

    @Test
    void utf8AddressSendsReadsOverImapAndPop3() throws Exception {
        assertThat(Processes.available("python3")).as("python3 is not installed (./run-tests installs it)").isTrue();
        server = TestServer.start(Map.of("server.domains", "servidor.es,localhost,xn--espaa-rta.es"));
        server.addAccount("josé@españa.es");
        Processes.Result r = Processes.run(List.of("python3", Processes.resource("intl_mail.py").toString(),
                String.valueOf(server.port("smtp")), String.valueOf(server.port("imap")), String.valueOf(server.port("pop3")),
                "josé@españa.es", TestServer.PASSWORD), new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("BDAT 250 b'2.0.0 Ok: ", "BDAT LAST 250 b'2.0.0 Ok: queued as", "ENABLE OK",
                "UTF8 b'+OK UTF8 enabled'");
        assertThat(r.output().lines().filter(l -> l.equals("IMAP True True"))).as(r.output()).hasSize(2);
        assertThat(r.output().lines().filter(l -> l.equals("POP3 True"))).as(r.output()).hasSize(2);
        assertThat(server.inbox("josé@xn--espaa-rta.es")).hasSize(2);
    }

    @Test
    void angusMailSendsWithSmtputf8InBdatChunksAndReadsOverImapAfterEnableUtf8Accept() throws Exception {
        server = TestServer.start(Map.of("server.domains", "servidor.es,ejemplo.es"));
        server.addAccount("josé@ejemplo.es");
        Properties props = new Properties();
        props.put("mail.mime.allowutf8", "true");
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.port("smtp")));
        props.put("mail.smtp.chunksize", "4096");
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(server.port("imap")));
        Session session = Session.getInstance(props);
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        session.setDebugOut(new PrintStream(transcript, true, StandardCharsets.UTF_8));
        session.setDebug(true);

        MimeMessage sent = new MimeMessage(session);
        sent.setFrom(new InternetAddress("Señora <señora@servidor.es>"));
        sent.setRecipient(Message.RecipientType.TO, new InternetAddress("José <josé@ejemplo.es>"));
        sent.setSubject("Año nuevo", "UTF-8");
        sent.setText("¡Feliz año!\r\n" + "línea de texto para pasar de un trozo BDAT al siguiente\r\n".repeat(200), "UTF-8", "plain");
        sent.saveChanges();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sent.writeTo(bytes);
        try (Transport smtp = session.getTransport("smtp")) {
            smtp.connect();
            // sendMessage, not Transport.send: that would saveChanges again and write a new Message-ID.
            smtp.sendMessage(sent, sent.getAllRecipients());
        }
        String wire = transcript.toString(StandardCharsets.UTF_8);
        assertThat(wire).contains("MAIL FROM:<señora@servidor.es> SMTPUTF8", "BDAT 4096", " LAST");
        String stored = new String(server.inbox("josé@ejemplo.es").getFirst(), StandardCharsets.UTF_8);
        assertThat(stored).as("what Angus wrote, below our trace fields").endsWith(bytes.toString(StandardCharsets.UTF_8));

        Store imap = session.getStore("imap");
        imap.connect("josé@ejemplo.es", TestServer.PASSWORD);
        try {
            Folder inbox = imap.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message read = inbox.getMessage(1);
            // RFC 6855 §3: after ENABLE UTF8=ACCEPT the ENVELOPE carries the addresses in UTF-8, not downgraded.
            assertThat(((InternetAddress) read.getFrom()[0]).getAddress()).isEqualTo("señora@servidor.es");
            assertThat(((InternetAddress) read.getRecipients(Message.RecipientType.TO)[0]).getAddress()).isEqualTo("josé@ejemplo.es");
            assertThat(read.getSubject()).isEqualTo("Año nuevo");
            ByteArrayOutputStream fetched = new ByteArrayOutputStream();
            read.writeTo(fetched);
            assertThat(fetched.toByteArray()).isEqualTo(server.inbox("josé@ejemplo.es").getFirst());
            inbox.close(false);
        } finally {
            imap.close();
        }
        assertThat(transcript.toString(StandardCharsets.UTF_8)).contains("ENABLE UTF8=ACCEPT");
    }
}
