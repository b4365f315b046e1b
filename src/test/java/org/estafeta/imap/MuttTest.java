package org.estafeta.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.Processes;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mutt, as a person drives it, keys pushed into it on a pseudo-terminal (script(1)): it reads a
 * message (which marks it seen), pipes both messages out byte-exact, flags the second and saves it to
 * Archive (which moves it: copy, \Deleted, expunge on sync).
 */
class MuttTest {

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

    @Test
    void readsFlagsMovesAndPipesMailByteExact() throws Exception {
        assertThat(Processes.available("mutt")).as("mutt is not installed (./run-tests installs it)").isTrue();
        assertThat(Processes.available("script")).as("script (util-linux) is not installed").isTrue();
        List<byte[]> stored = server.inbox(TestServer.USER);
        Path rc = dir.resolve("muttrc");
        Files.writeString(rc, """
                set folder="imap://%s@127.0.0.1:%d/"
                set spoolfile="+INBOX"
                set imap_pass="%s"
                set ssl_starttls=no
                set ssl_force_tls=no
                set sort=mailbox-order
                set move=no
                set delete=yes
                set confirmappend=no
                set confirmcreate=no
                set quit=yes
                set pipe_decode=no
                set wait_key=no
                set mail_check=0
                set header_cache=""
                set message_cachedir=""
                set charset="utf-8"
                """.formatted(TestServer.USER.replace("@", "%40"), server.port("imap"), TestServer.PASSWORD), StandardCharsets.UTF_8);
        Path first = dir.resolve("first.eml"), second = dir.resolve("second.eml");
        String keys = "<display-message><exit>"
                + "<pipe-message>cat > " + first + "<enter>"
                + "<next-entry><pipe-message>cat > " + second + "<enter>"
                + "<flag-message><save-message>=Archive<enter>"
                + "<sync-mailbox><quit>";
        String mutt = "mutt -n -F " + rc + " -e 'push \"" + keys + "\"'";
        Processes.Result r = Processes.run(List.of("env", "TERM=xterm", "LANG=C.UTF-8", "timeout", "120", "script", "-qec", mutt, "/dev/null"),
                new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();

        // mutt pipes the message as the server sent it, with its own LF line ends.
        assertThat(Files.readString(first, StandardCharsets.UTF_8)).isEqualTo(new String(stored.get(0), StandardCharsets.UTF_8).replace("\r\n", "\n"));
        assertThat(Files.readString(second, StandardCharsets.UTF_8)).isEqualTo(new String(stored.get(1), StandardCharsets.UTF_8).replace("\r\n", "\n"));

        var account = server.server().storage().accounts().account(TestServer.USER).orElseThrow();
        Mailbox inbox = server.server().storage().mailboxes().mailbox(account.id(), "INBOX").orElseThrow();
        List<MessageInfo> left = server.server().storage().messages().list(inbox.id());
        assertThat(left).hasSize(1);
        assertThat(left.getFirst().has(Flag.SEEN)).isTrue();
        Mailbox archive = server.server().storage().mailboxes().mailbox(account.id(), "Archive").orElseThrow();
        List<MessageInfo> archived = server.server().storage().messages().list(archive.id());
        assertThat(archived).hasSize(1);
        assertThat(archived.getFirst().has(Flag.FLAGGED)).isTrue();
        try (var in = server.server().storage().blobs().open(archived.getFirst().blob())) {
            assertThat(in.readAllBytes()).isEqualTo(stored.get(1));
        }
    }
}
