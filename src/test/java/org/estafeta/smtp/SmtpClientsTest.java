package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real SMTP clients against a live server: each message must be stored exactly as sent, below our
 * Return-Path and Received lines.
 */
class SmtpClientsTest {

    private static TestServer server;

    /** A leading dot (stuffed on the wire), 8-bit UTF-8 text, an empty line, a tab; From is the envelope sender. */
    private static final String BODY = "Subject: %s\r\nFrom: %s\r\nTo: usuario@servidor.es\r\n"
            + "Date: Tue, 24 Nov 2026 08:00:00 +0100\r\nMessage-ID: <prueba@pepito.es>\r\n\r\n"
            + "Hola, esto es una prueba con ñ y acentos: canción.\r\n.línea que empieza por punto\r\n\r\n\tfin\r\n";

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    private static byte[] message(String subject, String from) {
        return BODY.formatted(subject, from).getBytes(StandardCharsets.UTF_8);
    }

    /** Port 465 is submission: the client logs in and sends as itself. */
    private static String sender(String mode) {
        return mode.equals("smtps") || mode.equals("ssl") || mode.equals("submission") ? TestServer.USER : "pepe@pepito.es";
    }

    /** The newest INBOX message must be our trace fields followed by exactly {@code sent}. */
    private static void assertStoredExactly(byte[] sent, String sender) {
        List<byte[]> inbox = server.inbox(TestServer.USER);
        byte[] stored = inbox.getLast();
        String text = new String(stored, StandardCharsets.UTF_8);
        assertThat(text).startsWith("Return-Path: <" + sender + ">\r\nReceived: from ");
        int bodyStart = text.indexOf("\r\n", text.indexOf("; ", text.indexOf("Received: "))) + 2;
        byte[] rest = java.util.Arrays.copyOfRange(stored, new String(text.substring(0, bodyStart)).getBytes(StandardCharsets.UTF_8).length, stored.length);
        assertThat(new String(rest, StandardCharsets.UTF_8)).isEqualTo(new String(sent, StandardCharsets.UTF_8));
        assertThat(rest).isEqualTo(sent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "starttls", "smtps", "submission"})
    void swaks(String mode) throws Exception {
        assertThat(Processes.available("swaks")).as("swaks is not installed (./run-tests installs it)").isTrue();
        byte[] sent = message("swaks " + mode, sender(mode));
        Path file = Files.createTempFile("swaks", ".eml");
        // swaks always sends CRLF "." CRLF after the data, so the file leaves out the last CRLF.
        Files.write(file, java.util.Arrays.copyOf(sent, sent.length - 2));
        int port = server.port(mode.equals("plain") || mode.equals("starttls") ? "smtp" : mode);
        List<String> cmd = new java.util.ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(port),
                "--from", sender(mode), "--to", TestServer.USER, "--helo", "swaks.example", "--data", file.toString()));
        if (mode.equals("starttls")) cmd.add("--tls");
        if (mode.equals("smtps")) cmd.add("--tls-on-connect");
        if (mode.equals("submission")) cmd.add("--tls");
        if (mode.equals("smtps") || mode.equals("submission")) {
            cmd.addAll(List.of("--auth", "LOGIN", "--auth-user", TestServer.USER, "--auth-password", TestServer.PASSWORD));
        }
        Processes.Result r = Processes.run(cmd, new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("250 2.0.0 Ok: queued as");
        assertStoredExactly(sent, sender(mode));
        String with = mode.equals("plain") ? "with ESMTP id" : mode.equals("starttls") ? "with ESMTPS id" : "with ESMTPSA id";
        assertThat(server.inboxText(TestServer.USER).getLast()).contains(with);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "starttls", "ssl"})
    void pythonSmtplib(String mode) throws Exception {
        assertThat(Processes.available("python3")).as("python3 is not installed (./run-tests installs it)").isTrue();
        byte[] sent = message("smtplib " + mode, sender(mode));
        int port = server.port(mode.equals("ssl") ? "smtps" : "smtp");
        Processes.Result r = Processes.run(List.of("python3", Processes.resource("smtp_send.py").toString(),
                String.valueOf(port), mode, sender(mode), TestServer.USER, TestServer.USER, TestServer.PASSWORD), sent);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).startsWith("250 2.0.0 Ok: queued as");
        assertStoredExactly(sent, sender(mode));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void opensslStartTls(boolean implicitTls) throws Exception {
        assertThat(Processes.available("openssl")).as("openssl is not installed (./run-tests installs it)").isTrue();
        String subject = "openssl " + (implicitTls ? "465" : "starttls");
        String from = implicitTls ? TestServer.USER : "pepe@pepito.es";
        String login = implicitTls ? "AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                ("\0" + TestServer.USER + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\n" : "";
        String dialogue = "EHLO openssl.example\n" + login + "MAIL FROM:<" + from + ">\nRCPT TO:<" + TestServer.USER + ">\nDATA\n"
                + BODY.formatted(subject, from).replace("\r\n", "\n").replace("\n.l", "\n..l") + ".\nQUIT\n";
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-crlf", "-quiet", "-ign_eof",
                "-connect", "127.0.0.1:" + server.port(implicitTls ? "smtps" : "smtp")));
        if (!implicitTls) cmd.addAll(List.of("-starttls", "smtp"));
        Processes.Result r = Processes.run(cmd, dialogue.getBytes(StandardCharsets.UTF_8));
        assertThat(r.output()).contains("250 2.0.0 Ok: queued as").contains("221 2.0.0 Bye");
        assertStoredExactly(message(subject, from), from);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "starttls", "smtps"})
    void angusMail(String mode) throws Exception {
        Properties props = new Properties();
        boolean ssl = mode.equals("smtps");
        String prefix = ssl ? "mail.smtps." : "mail.smtp.";
        props.put(prefix + "host", "127.0.0.1");
        props.put(prefix + "port", String.valueOf(server.port(ssl ? "smtps" : "smtp")));
        props.put(prefix + "localhost", "angus.example");
        props.put(prefix + "ssl.trust", "*");
        props.put(prefix + "timeout", "10000");
        if (ssl) props.put("mail.smtps.auth", "true");
        if (mode.equals("starttls")) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        Session session = Session.getInstance(props);
        MimeMessage msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress(sender(mode)));
        msg.setSentDate(new java.util.Date());
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress(TestServer.USER));
        msg.setSubject("Angus " + mode, "UTF-8");
        msg.setText("Hola desde Angus Mail, señor.\n.punto al principio\n", "UTF-8");
        msg.saveChanges();
        try (Transport t = session.getTransport(ssl ? "smtps" : "smtp")) {
            if (ssl) t.connect(TestServer.USER, TestServer.PASSWORD);
            else t.connect();
            t.sendMessage(msg, msg.getAllRecipients());
            assertThat(((org.eclipse.angus.mail.smtp.SMTPTransport) t).getLastServerResponse()).startsWith("250 2.0.0 Ok: queued as");
        }
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        msg.writeTo(written);
        assertStoredExactly(written.toByteArray(), sender(mode));
    }
}
