package org.estafeta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real POP3 clients against a live server: each must get back exactly the bytes SMTP stored (mail
 * fetchers that write local files get them with LF line ends, as Unix mailboxes have them), and what
 * it deletes must be gone. Tests whose tool is missing are skipped.
 */
class Pop3ClientsTest {

    /** A leading dot (stuffed on the wire), 8-bit UTF-8, empty lines, a tab, a long line. */
    private static final String MESSAGE = "Subject: %s\r\nFrom: pepe@pepito.es\r\nTo: usuario@servidor.es\r\n\r\n"
            + "Hola, esto es una prueba con ñ y acentos: canción.\r\n.línea que empieza por punto\r\n..dos\r\n.\r\n\r\n\tfin\r\n"
            + "y".repeat(1500) + "\r\n";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.closeAndDelete();
    }

    @BeforeEach
    void emptyInbox() throws Exception {
        int n = server.inbox(TestServer.USER).size();
        if (n == 0) return;
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            c.login(TestServer.USER, TestServer.PASSWORD);
            for (int i = 1; i <= n; i++) c.command("DELE " + i);
            c.command("QUIT");
        }
    }

    /** Delivers {@code count} messages through SMTP and returns them as stored. */
    private static List<byte[]> deliver(int count, String client) {
        for (int i = 1; i <= count; i++) server.deliver(TestServer.USER, MESSAGE.formatted(client + " " + i));
        List<byte[]> stored = server.inbox(TestServer.USER);
        assertThat(stored).hasSize(count);
        return stored;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String lf(byte[] b) {
        return text(b).replace("\r\n", "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "stls", "ssl"})
    void pythonPoplib(String mode) throws Exception {
        assertThat(Processes.available("python3")).as("python3 is not installed (./run-tests installs it)").isTrue();
        List<byte[]> stored = deliver(2, "poplib " + mode);
        int port = server.port(mode.equals("ssl") ? "pop3s" : "pop3");
        Processes.Result r = Processes.run(List.of("python3", Processes.resource("pop3_fetch.py").toString(),
                String.valueOf(port), mode, TestServer.USER, TestServer.PASSWORD), new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> out = r.output().lines().toList();
        long total = stored.get(0).length + stored.get(1).length;
        assertThat(out).contains("STAT 2 " + total, "SIZE 1 " + stored.get(0).length, "SIZE 2 " + stored.get(1).length,
                "CAPA TOP", "CAPA UIDL", "CAPA PIPELINING");
        if (!mode.equals("plain")) assertThat(out).doesNotContain("CAPA STLS");
        List<String> retr = out.stream().filter(l -> l.startsWith("RETR ")).toList();
        assertThat(retr).hasSize(2);
        for (int i = 0; i < 2; i++) {
            String[] f = retr.get(i).split(" ");
            assertThat(Integer.parseInt(f[2])).as("octets poplib counted").isEqualTo(stored.get(i).length);
            byte[] got = Base64.getDecoder().decode(f[3]);
            assertThat(text(got)).isEqualTo(text(stored.get(i)));
            assertThat(got).isEqualTo(stored.get(i));
        }
        assertThat(out.getLast()).isEqualTo("QUIT +OK " + TestServer.HOSTNAME + " POP3 server signing off (maildrop empty)");
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "stls", "pop3s"})
    void curl(String mode) throws Exception {
        assertThat(Processes.available("curl")).as("curl is not installed (./run-tests installs it)").isTrue();
        byte[] stored = deliver(1, "curl " + mode).getFirst();
        String base = (mode.equals("pop3s") ? "pop3s" : "pop3") + "://127.0.0.1:" + server.port(mode.equals("pop3s") ? "pop3s" : "pop3");
        List<String> common = new ArrayList<>(List.of("curl", "-sS", "-k", "-u", TestServer.USER + ":" + TestServer.PASSWORD));
        if (mode.equals("stls")) common.add("--ssl-reqd");
        Processes.Result list = Processes.run(with(common, base + "/"), new byte[0]);
        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).isEqualTo("1 " + stored.length + "\r\n");
        Processes.Result retr = Processes.run(with(common, base + "/1"), new byte[0]);
        assertThat(retr.exitCode()).as(retr.output()).isZero();
        assertThat(retr.output()).isEqualTo(text(stored));
        // A command without a multi-line answer is sent with -X and -I (no body expected).
        Processes.Result dele = Processes.run(with(common, "-I", "-X", "DELE", base + "/1"), new byte[0]);
        assertThat(dele.exitCode()).as(dele.output()).isZero();
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    private static List<String> with(List<String> common, String... more) {
        List<String> cmd = new ArrayList<>(common);
        cmd.addAll(List.of(more));
        return cmd;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void opensslSClient(boolean implicitTls) throws Exception {
        assertThat(Processes.available("openssl")).as("openssl is not installed (./run-tests installs it)").isTrue();
        byte[] stored = deliver(1, "openssl").getFirst();
        String dialogue = "USER usuario\nPASS " + TestServer.PASSWORD + "\nSTAT\nRETR 1\nDELE 1\nQUIT\n";
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-crlf", "-quiet", "-ign_eof",
                "-connect", "127.0.0.1:" + server.port(implicitTls ? "pop3s" : "pop3")));
        if (!implicitTls) cmd.addAll(List.of("-starttls", "pop3"));
        Processes.Result r = Processes.run(cmd, dialogue.getBytes(StandardCharsets.UTF_8));
        String out = r.output();
        assertThat(out).contains("+OK 1 " + stored.length + "\r\n", "+OK message 1 deleted", "signing off (maildrop empty)");
        String start = "+OK " + stored.length + " octets\r\n";
        int from = out.indexOf(start) + start.length(), to = out.indexOf("\r\n.\r\n", from) + 2;
        String stuffed = out.substring(from, to);
        String unstuffed = String.join("\r\n", stuffed.split("\r\n", -1)).replace("\r\n..", "\r\n.");
        assertThat(unstuffed.startsWith("..") ? unstuffed.substring(1) : unstuffed).isEqualTo(text(stored));
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "stls", "ssl"})
    void fetchmailIntoAnMbox(String mode) throws Exception {
        assertThat(Processes.available("fetchmail")).as("fetchmail is not installed (./run-tests installs it)").isTrue();
        List<byte[]> stored = deliver(2, "fetchmail " + mode);
        Path dir = Files.createTempDirectory("fetchmail");
        Path mbox = dir.resolve("mbox");
        String tls = switch (mode) {
            case "plain" -> "sslproto ''";
            case "stls" -> "sslproto 'tls1.2+' no sslcertck";
            default -> "ssl no sslcertck";
        };
        String rc = "set no syslog\n"
                + "poll 127.0.0.1 service " + server.port(mode.equals("ssl") ? "pop3s" : "pop3") + " protocol POP3 auth password\n"
                + "  user '" + TestServer.USER + "' there with password '" + TestServer.PASSWORD + "' is '"
                + System.getProperty("user.name") + "' here\n"
                + "  " + tls + "\n  nokeep\n  mda \"/bin/sh -c 'cat >> " + mbox + "'\"\n";
        Path rcFile = dir.resolve("fetchmailrc");
        Files.writeString(rcFile, rc);
        Files.setPosixFilePermissions(rcFile, PosixFilePermissions.fromString("rw-------"));
        Processes.Result r = Processes.run(List.of("env", "FETCHMAILHOME=" + dir, "fetchmail", "-f", rcFile.toString(),
                "--invisible", "--nosyslog", "-v"), new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
        if (mode.equals("stls")) assertThat(r.output()).contains("POP3> STLS");
        assertThat(Files.readString(mbox)).isEqualTo(lf(stored.get(0)) + lf(stored.get(1)));
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void getmailIntoAMaildir(boolean ssl) throws Exception {
        assertThat(Processes.available("getmail")).as("getmail6 is not installed (./run-tests installs it)").isTrue();
        List<byte[]> stored = deliver(2, "getmail " + (ssl ? "ssl" : "plain"));
        Path dir = Files.createTempDirectory("getmail");
        Path maildir = dir.resolve("Maildir");
        for (String sub : List.of("cur", "new", "tmp")) Files.createDirectories(maildir.resolve(sub));
        // getmail will not write a Maildir as root; it switches to the user named in the destination.
        boolean root = System.getProperty("user.name").equals("root");
        if (root) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.toList()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
        String rc = "[retriever]\ntype = " + (ssl ? "SimplePOP3SSLRetriever" : "SimplePOP3Retriever") + "\n"
                + "server = 127.0.0.1\nport = " + server.port(ssl ? "pop3s" : "pop3") + "\n"
                + "username = " + TestServer.USER + "\npassword = " + TestServer.PASSWORD + "\n\n"
                + "[destination]\ntype = Maildir\npath = " + maildir + "/\n" + (root ? "user = nobody\n" : "") + "\n"
                + "[options]\nread_all = true\ndelete = true\ndelivered_to = false\nreceived = false\n";
        Path rcFile = dir.resolve("getmailrc");
        Files.writeString(rcFile, rc);
        Processes.Result r = Processes.run(List.of("getmail", "--rcfile=" + rcFile, "--getmaildir=" + dir), new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> got = new ArrayList<>();
        try (Stream<Path> files = Files.list(maildir.resolve("new"))) {
            for (Path f : files.toList()) got.add(Files.readString(f));
        }
        assertThat(got).containsExactlyInAnyOrder(lf(stored.get(0)), lf(stored.get(1)));
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

    @Test
    void angusMailPop3() throws Exception {
        List<byte[]> stored = deliver(1, "angus");
        var props = new java.util.Properties();
        props.put("mail.pop3s.ssl.trust", "*");
        props.put("mail.pop3.starttls.enable", "true");
        props.put("mail.pop3.starttls.required", "true");
        props.put("mail.pop3.ssl.trust", "*");
        var session = jakarta.mail.Session.getInstance(props);
        try (var store = session.getStore("pop3")) {
            store.connect("127.0.0.1", server.port("pop3"), TestServer.USER, TestServer.PASSWORD);
            try (var inbox = store.getFolder("INBOX")) {
                inbox.open(jakarta.mail.Folder.READ_WRITE);
                jakarta.mail.Message[] messages = inbox.getMessages();
                assertThat(messages).hasSize(1);
                var raw = new java.io.ByteArrayOutputStream();
                messages[0].writeTo(raw);
                assertThat(text(raw.toByteArray())).isEqualTo(text(stored.getFirst()));
                assertThat(((org.eclipse.angus.mail.pop3.POP3Folder) inbox).getUID(messages[0])).matches("\\d+\\.\\d+");
                messages[0].setFlag(jakarta.mail.Flags.Flag.DELETED, true);
            }
        }
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }

}
