package org.estafeta.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Today's build opens the data directory of every earlier schema version and keeps what users and
 * their clients depend on: passwords, UIDVALIDITY and UIDs (or every phone downloads everything
 * again), flags and keywords, the bytes of each message, the queue, API tokens. The fixtures under
 * src/test/resources/upgrade/ were made by the old builds themselves with
 * src/test/fixtures/upgrade/make_fixture.py; fixture.properties says which commit and what each has.
 */
class UpgradeTest {

    static final Path FIXTURES = Path.of("src/test/resources/upgrade");

    @TempDir
    Path temp;

    @TestFactory
    Stream<DynamicTest> everyEarlierSchemaOpensWithNothingLost() throws IOException {
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            return dirs.filter(Files::isDirectory).sorted().toList().stream()
                    .map(fixture -> DynamicTest.dynamicTest(fixture.getFileName().toString(), () -> upgrade(fixture)));
        }
    }

    private void upgrade(Path fixture) throws Exception {
        Properties about = Fixtures.about(fixture);
        Path data = Fixtures.copy(fixture, temp.resolve(fixture.getFileName().toString()));
        Map<String, StoreSnapshot.Mailbox> before = StoreSnapshot.read(data);
        assertThat(before).as("the fixture has mail").isNotEmpty();
        long queuedBefore = StoreSnapshot.queuedRecipients(data);

        for (int start = 1; start <= 2; start++) {
            try (TestServer server = TestServer.start(data, Map.of("dns.servers", "127.0.0.1:9"), false)) {
                for (String user : Fixtures.users(about)) {
                    String password = about.getProperty("password." + user);
                    try (Imap imap = new Imap(server.port("imap"))) {
                        imap.ok("LOGIN \"" + user + "\" \"" + password + "\"");
                        for (StoreSnapshot.Mailbox box : before.values()) {
                            if (!box.account().equals(user)) continue;
                            assertThat(imap.ok("EXAMINE \"" + box.name() + "\""))
                                    .as(fixture + " " + user + " " + box.name() + ", start " + start)
                                    .contains("[UIDVALIDITY " + box.uidvalidity() + "]")
                                    .contains("[UIDNEXT " + box.uidnext() + "]");
                            assertThat(imap.messages()).as(fixture + " " + user + " " + box.name()).isEqualTo(box.messages());
                        }
                    }
                    try (Pop3 pop3 = new Pop3(server.port("pop3"))) {
                        pop3.ok("USER " + user);
                        pop3.ok("PASS " + password);
                    }
                }
                assertThat(StoreSnapshot.queuedRecipients(data)).as("queued recipients of " + fixture).isEqualTo(queuedBefore);
                Path token = fixture.resolve("api-token.txt");
                if (Files.exists(token)) {
                    HttpResponse<String> users = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + server.server().web().port() + "/api/users"))
                            .header("Authorization", "Bearer " + Files.readString(token).strip()).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(users.statusCode()).as("the old API token still works").isEqualTo(200);
                    assertThat(users.body()).contains("ana@example.test");
                }
            }
        }
        assertThat(StoreSnapshot.schemaVersion(data)).as("migrated past " + about.getProperty("schema"))
                .isGreaterThanOrEqualTo(Integer.parseInt(about.getProperty("schema")));
    }

    /** A line-at-a-time IMAP client: enough to read what the test compares. */
    static final class Imap implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final Writer out;
        private int tag;

        Imap(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1);
            in.readLine();
        }

        /** Sends a command and returns everything up to its tagged OK (the literals included, as read). */
        String ok(String command) throws IOException {
            String t = "a" + ++tag;
            out.write(t + " " + command + "\r\n");
            out.flush();
            StringBuilder all = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                all.append(line).append("\r\n");
                Matcher literal = Pattern.compile("\\{(\\d+)\\}$").matcher(line);
                if (literal.find()) {
                    char[] body = new char[Integer.parseInt(literal.group(1))];
                    for (int n = 0; n < body.length; ) n += in.read(body, n, body.length - n);
                    all.append(body);
                    continue;
                }
                if (line.startsWith(t + " ")) {
                    assertThat(line).as(command).startsWith(t + " OK");
                    return all.toString();
                }
            }
            throw new IOException("connection closed after " + command);
        }

        /** UID → flags (sorted, keywords included) and SHA-256 of the whole message, of the selected mailbox. */
        Map<Long, String> messages() throws Exception {
            String fetched = ok("UID FETCH 1:* (FLAGS BODY.PEEK[])");
            Map<Long, String> out = new TreeMap<>();
            Matcher m = Pattern.compile("\\* \\d+ FETCH \\((.*?)BODY\\[\\] \\{(\\d+)\\}\r\n", Pattern.DOTALL).matcher(fetched);
            int from = 0;
            while (m.find(from)) {
                String attrs = m.group(1);
                long uid = Long.parseLong(find(attrs, "UID (\\d+)"));
                List<String> flags = Stream.of(find(attrs, "FLAGS \\(([^)]*)\\)").split(" "))
                        .filter(f -> !f.isEmpty() && !f.equals("\\Recent")).sorted().toList();
                int size = Integer.parseInt(m.group(2));
                byte[] body = fetched.substring(m.end(), m.end() + size).getBytes(StandardCharsets.ISO_8859_1);
                out.put(uid, String.join(" ", flags) + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
                from = m.end() + size;
            }
            return out;
        }

        private static String find(String text, String regex) {
            Matcher m = Pattern.compile(regex).matcher(text);
            if (!m.find()) throw new AssertionError(regex + " not in " + text);
            return m.group(1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static final class Pop3 implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final Writer out;

        Pop3(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            in.readLine();
        }

        void ok(String command) throws IOException {
            out.write(command + "\r\n");
            out.flush();
            assertThat(in.readLine()).as(command.startsWith("PASS") ? "PASS" : command).startsWith("+OK");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
