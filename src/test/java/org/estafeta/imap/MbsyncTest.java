package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.Processes;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mbsync (isync) syncing a Maildir with the server both ways, plain, STARTTLS and IMAPS: SMTP-delivered
 * mail arrives in the Maildir exactly (bar mbsync's own LF line ends and X-TUID field), and a message added locally plus a
 * flag set locally reach the server, the message byte-exact.
 */
class MbsyncTest {

    @TempDir
    Path dir;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send("pepe@pepito.es", TestServer.USER, ImapClientsTest.TEXT)).startsWith("250");
            assertThat(smtp.send("pepe@pepito.es", TestServer.USER, ImapClientsTest.MULTIPART)).startsWith("250");
        }
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    @ParameterizedTest
    @ValueSource(strings = {"None", "STARTTLS", "IMAPS"})
    void syncsBothWays(String tls) throws Exception {
        assertThat(Processes.available("mbsync")).as("mbsync (apt package isync) is not installed (./run-tests installs it)").isTrue();
        Path maildir = dir.resolve("mail");
        Files.createDirectories(maildir);
        int port = server.port(tls.equals("IMAPS") ? "imaps" : "imap");
        Path config = dir.resolve("mbsyncrc");
        Files.writeString(config, """
                IMAPAccount test
                Host 127.0.0.1
                Port %d
                User %s
                Pass "%s"
                SSLType %s
                CertificateFile %s
                AuthMechs LOGIN PLAIN

                IMAPStore remote
                Account test

                MaildirStore local
                Path %s/
                Inbox %s/INBOX
                SubFolders Verbatim

                Channel sync
                Far :remote:
                Near :local:
                Patterns *
                Create Both
                Expunge Both
                SyncState *
                Sync All
                """.formatted(port, TestServer.USER, TestServer.PASSWORD, tls,
                server.dataDir().resolve("tls/cert.pem"), maildir, maildir), StandardCharsets.UTF_8);
        run(config);

        List<byte[]> stored = server.inbox(TestServer.USER);
        List<Path> local = files(maildir.resolve("INBOX"));
        assertThat(local).hasSize(2);
        // mbsync keeps Maildir files with LF line ends and its X-TUID tracking field; both are its own.
        for (int i = 0; i < 2; i++) {
            assertThat(Files.readString(local.get(i), StandardCharsets.UTF_8).replaceFirst("X-TUID: [^\n]*\n", ""))
                    .isEqualTo(new String(stored.get(i), StandardCharsets.UTF_8).replace("\r\n", "\n"));
        }
        assertThat(Files.isDirectory(maildir.resolve("Sent/cur"))).isTrue();

        // Locally: a new message in Archive, and the first INBOX message read.
        byte[] note = "From: usuario@servidor.es\r\nSubject: nota local\r\n\r\nEscrita sin conexión.\r\n".getBytes(StandardCharsets.UTF_8);
        Files.write(maildir.resolve("Archive/new/1700000000.local.host"), note);
        Path first = local.getFirst();
        Path seen = first.resolveSibling(first.getFileName().toString().replaceAll(":2,.*$", "") + ":2,S");
        Files.move(first, first.getParent().getParent().resolve("cur").resolve(seen.getFileName()));
        run(config);

        var account = server.server().storage().accounts().account(TestServer.USER).orElseThrow();
        Mailbox archive = server.server().storage().mailboxes().mailbox(account.id(), "Archive").orElseThrow();
        List<MessageInfo> archived = server.server().storage().messages().list(archive.id());
        assertThat(archived).hasSize(1);
        try (var in = server.server().storage().blobs().open(archived.getFirst().blob())) {
            String uploaded = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceFirst("X-TUID: [^\r]*\r\n", "");
            assertThat(uploaded.getBytes(StandardCharsets.UTF_8)).isEqualTo(note);
        }
        Mailbox inbox = server.server().storage().mailboxes().mailbox(account.id(), "INBOX").orElseThrow();
        List<MessageInfo> messages = server.server().storage().messages().list(inbox.id());
        assertThat(messages.getFirst().has(Flag.SEEN)).isTrue();
        assertThat(messages.get(1).has(Flag.SEEN)).isFalse();
    }

    private void run(Path config) throws Exception {
        Processes.Result r = Processes.run(List.of("mbsync", "-c", config.toString(), "-a"), new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    private static List<Path> files(Path maildir) throws Exception {
        try (Stream<Path> s = Stream.concat(Files.list(maildir.resolve("new")), Files.list(maildir.resolve("cur")))) {
            // mbsync names files with the UID (,U=n): order by it.
            return s.sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll(".*,U=(\\d+).*", "$1")))).toList();
        }
    }
}
