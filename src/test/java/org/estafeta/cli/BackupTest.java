package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code estafeta backup} while SMTP clients keep sending, then {@code estafeta restore} and a server
 * on the restored data: every message answered 250 before the backup began is served over IMAP.
 */
class BackupTest {

    @TempDir
    Path tmp;

    @Test
    void aBackupUnderSmtpLoadHasEveryMessageCommittedBeforeItAndRestoresIntoAWorkingServer() throws Exception {
        assertThat(Processes.available("sqlite3")).as("sqlite3 is not installed (./run-tests installs it)").isTrue();
        Path backup = tmp.resolve("backup"), restored = tmp.resolve("restored");
        List<String> committed = new CopyOnWriteArrayList<>();
        Set<String> committedBefore;
        try (TestServer server = TestServer.start()) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> senders = List.of(
                    Thread.ofVirtual().start(() -> sendUntil(server.port("smtp"), "a", stop, committed)),
                    Thread.ofVirtual().start(() -> sendUntil(server.port("smtp"), "b", stop, committed)));
            while (committed.size() < 40) Thread.sleep(20);
            committedBefore = new HashSet<>(committed);
            CliRun run = CliRun.run(server.dataDir(), "", "backup", backup.toString());
            int afterBackup = committed.size();
            while (committed.size() < afterBackup + 10) Thread.sleep(20);
            stop.set(true);
            for (Thread t : senders) t.join();
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).startsWith("backed up ");
            assertThat(committed.size()).as("the load went on during the backup").isGreaterThan(committedBefore.size());
        }
        Processes.Result check = Processes.run(List.of("sqlite3", backup.resolve("estafeta.db").toString(), "PRAGMA integrity_check"), new byte[0]);
        assertThat(check.output().strip()).isEqualTo("ok");
        assertThat(Files.list(backup).map(p -> p.getFileName().toString()).toList()).contains("estafeta.db", "blobs", "tls", "srs.key")
                .doesNotContain("control.sock", ".lock", "estafeta.db-wal");

        CliRun restore = CliRun.run(restored, "", "restore", backup.toString());
        assertThat(restore.code()).as(restore.err()).isZero();
        try (TestServer again = TestServer.start(restored, Map.of(), false)) {
            Set<String> served = imapSubjects(again.port("imap"));
            assertThat(served).containsAll(committedBefore);
        }
    }

    @Test
    void restoreRefusesADataDirectoryThatIsNotEmpty() throws Exception {
        Path backup = tmp.resolve("backup"), data = tmp.resolve("data");
        try (TestServer server = TestServer.start()) {
            assertThat(CliRun.run(server.dataDir(), "", "backup", backup.toString()).code()).isZero();
            CliRun again = CliRun.run(server.dataDir(), "", "backup", backup.toString());
            assertThat(again.code()).as("a second backup into the same place").isEqualTo(1);
            assertThat(again.err()).startsWith("estafeta: the backup destination " + backup + " is not empty");
        }
        Files.createDirectories(data);
        Files.writeString(data.resolve("something"), "mine");
        CliRun refused = CliRun.run(data, "", "restore", backup.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).startsWith("estafeta: the data directory " + data + " is not empty");
        assertThat(Files.list(data).toList()).hasSize(1);
        Path notABackup = tmp.resolve("nothing");
        Files.createDirectories(notABackup);
        CliRun notOne = CliRun.run(tmp.resolve("fresh"), "", "restore", notABackup.toString());
        assertThat(notOne.code()).isEqualTo(1);
        assertThat(notOne.err()).contains("is not an Estafeta backup");
    }

    /** One SMTP session sending message after message; each subject is recorded once its 250 arrived (it is durable then). */
    private static void sendUntil(int port, String name, AtomicBoolean stop, List<String> committed) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            out.write("EHLO load.example\r\n".getBytes(StandardCharsets.US_ASCII));
            expect(in, "250");
            for (int i = 0; !stop.get(); i++) {
                String subject = "load-" + name + "-" + i;
                out.write(("MAIL FROM:<load@example.org>\r\nRCPT TO:<" + TestServer.USER + ">\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII));
                expect(in, "250");
                expect(in, "250");
                expect(in, "354");
                out.write(("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n" + "x".repeat(200) + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                expect(in, "250");
                committed.add(subject);
            }
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line = in.readLine();
        while (line != null && line.startsWith(code + "-")) line = in.readLine();
        if (line == null || !line.startsWith(code + " ")) throw new IOException("expected " + code + ", got " + line);
    }

    private static Set<String> imapSubjects(int port) throws IOException {
        Set<String> subjects = new HashSet<>();
        try (Socket s = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            in.readLine();
            // AUTHENTICATE PLAIN with an initial response (RFC 4959): the password is not ASCII.
            String plain = java.util.Base64.getEncoder().encodeToString(("\0" + TestServer.USER + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
            out.write(("a AUTHENTICATE PLAIN " + plain + "\r\nb SELECT INBOX\r\n"
                    + "c FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\nd LOGOUT\r\n").getBytes(StandardCharsets.UTF_8));
            Pattern subject = Pattern.compile("^Subject: (load-\\S+)$");
            for (String l = in.readLine(); l != null && !l.startsWith("d "); l = in.readLine()) {
                if (l.startsWith("a NO") || l.startsWith("b NO") || l.startsWith("c NO")) throw new IOException(l);
                Matcher m = subject.matcher(l);
                if (m.matches()) subjects.add(m.group(1));
            }
        }
        return subjects;
    }
}
