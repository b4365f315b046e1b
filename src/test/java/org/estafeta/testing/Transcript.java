package org.estafeta.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.estafeta.store.Flag;

/**
 * Replays a transcript file against a live server. The format (see STYLE.md):
 * <pre>
 * # comment
 * CONFIG key=value      configuration for the server this transcript runs against (before any line below)
 * DNS option            a dnsmasq line (txt-record=name,"text"; mx-host=...): a real dnsmasq serves them, as dns.servers
 * CONNECT smtps         connect the current session to another listener (default: the protocol's plain one)
 * C: line               send line + CRLF
 * RAW: text             send text exactly, with \r \n \t \0 \\ escapes (and \xNN for one raw octet) and nothing appended
 * S: text               expect this line; a trailing * makes it a prefix match; "S:" alone is an empty line
 * S~: regex             expect a line matching the regex
 * S..: text             skip lines until one matches text (as S:), e.g. to the end of an EHLO reply
 * TLS                   upgrade the current session to TLS (after the server's go-ahead)
 * SESSION n             switch to parallel connection n (connecting it if new)
 * NODE name             connect the sessions that are new from here on to that node (cluster transcripts; default the first)
 * HANGUP                the client closes its side without a word (as a crashed client's kernel does) and waits for the server to close too
 * CLOSED                expect the server to hang up
 * SILENT ms             expect nothing from the server for ms milliseconds
 * INBOX address count   expect that many messages in the account's INBOX
 * INBOX-CONTAINS address text   expect the newest INBOX message to contain text (escapes as RAW)
 * DELIVER address text  deliver a message through the SMTP listener (escapes as RAW), e.g. to fill a maildrop
 * SEEN address count    expect that many INBOX messages to have the \Seen flag
 * ACCOUNT address       create an account with the standard password (e.g. a UTF-8 one)
 * ALIAS address target[,target]  create an alias delivering to the targets
 * </pre>
 * {@code ${USER}}, {@code ${PASSWORD}}, {@code ${OTHER_USER}}, {@code ${HOSTNAME}}, {@code ${DOMAIN}} are substituted, and for AUTH
 * {@code ${USER_B64}}, {@code ${PASSWORD_B64}}, {@code ${AUTH_PLAIN}} (a PLAIN initial response), {@code ${WRONG_PLAIN}},
 * {@code ${OTHER_PLAIN}} (OTHER_USER's);
 * {@code ${x*N}} is the character x repeated N times.
 */
public final class Transcript {

    private static final Map<String, String> VARS = Map.of(
            "USER", TestServer.USER, "PASSWORD", TestServer.PASSWORD, "OTHER_USER", TestServer.OTHER_USER,
            "HOSTNAME", TestServer.HOSTNAME, "DOMAIN", TestServer.DOMAIN,
            "USER_B64", b64(TestServer.USER), "PASSWORD_B64", b64(TestServer.PASSWORD),
            "AUTH_PLAIN", b64("\0" + TestServer.USER + "\0" + TestServer.PASSWORD),
            "WRONG_PLAIN", b64("\0" + TestServer.USER + "\0wrong"),
            "OTHER_PLAIN", b64("\0" + TestServer.OTHER_USER + "\0" + TestServer.PASSWORD));

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private final Path file;
    private final List<String> lines;
    private final String defaultListener;

    public Transcript(Path file, String defaultListener) throws IOException {
        this.file = file;
        this.lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        this.defaultListener = defaultListener;
    }

    /** The CONFIG lines: server settings this transcript needs. */
    public Map<String, String> config() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : lines) {
            if (l.startsWith("CONFIG ")) {
                String kv = l.substring(7).strip();
                int eq = kv.indexOf('=');
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return out;
    }

    /** The DNS lines, as dnsmasq options; empty when the transcript needs no DNS of its own. */
    public List<String> dns() {
        return lines.stream().filter(l -> l.startsWith("DNS ")).map(l -> l.substring(4).strip()).toList();
    }

    public void run(TestServer server) throws IOException {
        run(Map.of("A", server));
    }

    /**
     * Runs against several nodes by name (sharing one database); sessions connect to the first until a
     * NODE line names another, and the store checks (INBOX, SEEN, DELIVER...) go through the first.
     */
    public void run(Map<String, TestServer> nodes) throws IOException {
        TestServer server = nodes.values().iterator().next();
        TestServer node = server;
        Map<String, Client> sessions = new HashMap<>();
        String current = "1";
        String pendingListener = defaultListener;
        int lineNo = 0;
        try {
            for (String raw : lines) {
                lineNo++;
                String line = substitute(raw);
                if (line.isBlank() || line.startsWith("#") || line.startsWith("CONFIG ") || line.startsWith("DNS ")) continue;
                String where = file.getFileName() + ":" + lineNo + ": ";
                if (line.startsWith("CONNECT ")) {
                    pendingListener = line.substring(8).strip();
                    continue;
                }
                if (line.startsWith("NODE ")) {
                    node = nodes.get(line.substring(5).strip());
                    if (node == null) throw new IllegalArgumentException(where + "no node " + line.substring(5).strip() + " in " + nodes.keySet());
                    continue;
                }
                if (line.startsWith("SESSION ")) {
                    current = line.substring(8).strip();
                    continue;
                }
                if (line.startsWith("INBOX ")) {
                    String[] parts = line.split(" ");
                    int expected = Integer.parseInt(parts[2]);
                    int actual = server.inbox(parts[1]).size();
                    if (actual != expected) throw new AssertionError(where + "INBOX of " + parts[1] + " has " + actual + " messages, expected " + expected);
                    continue;
                }
                if (line.startsWith("INBOX-CONTAINS ")) {
                    String[] parts = line.split(" ", 3);
                    List<String> inbox = server.inboxText(parts[1]);
                    String needle = unescape(parts[2]);
                    if (inbox.isEmpty() || !inbox.getLast().contains(needle)) {
                        throw new AssertionError(where + "newest INBOX message of " + parts[1] + " does not contain [" + parts[2] + "]:\n"
                                + (inbox.isEmpty() ? "(empty)" : inbox.getLast()));
                    }
                    continue;
                }
                if (line.startsWith("DELIVER ")) {
                    String[] parts = line.split(" ", 3);
                    server.deliver(parts[1], unescape(parts[2]));
                    continue;
                }
                if (line.startsWith("ACCOUNT ")) {
                    server.addAccount(line.substring(8).strip());
                    continue;
                }
                if (line.startsWith("ALIAS ")) {
                    String[] parts = line.split(" ");
                    server.server().storage().accounts().addAlias(parts[1], List.of(parts[2].split(",")));
                    continue;
                }
                if (line.startsWith("SEEN ")) {
                    String[] parts = line.split(" ");
                    long actual = server.inboxMessages(parts[1]).stream().filter(m -> Flag.SEEN.isSet(m.flags())).count();
                    if (actual != Integer.parseInt(parts[2])) throw new AssertionError(where + parts[1] + " has " + actual + " \\Seen messages, expected " + parts[2]);
                    continue;
                }
                String listener = pendingListener;
                TestServer target = node;
                Client client = sessions.computeIfAbsent(current, k -> Client.connect(target.port(listener), listener.endsWith("s")));
                if (line.startsWith("C: ")) {
                    client.send((line.substring(3) + "\r\n").getBytes(StandardCharsets.UTF_8));
                } else if (line.equals("C:")) {
                    client.send("\r\n".getBytes(StandardCharsets.UTF_8));
                } else if (line.startsWith("RAW: ")) {
                    client.send(rawBytes(line.substring(5)));
                } else if (line.startsWith("S..: ")) {
                    String expected = line.substring(5);
                    String got;
                    do {
                        got = client.readLine();
                        if (got == null) throw new AssertionError(where + "expected [" + expected + "] but the server hung up");
                    } while (!matches(expected, got, false));
                } else if (line.startsWith("S: ") || line.startsWith("S~: ") || line.equals("S:")) {
                    boolean regex = line.startsWith("S~: ");
                    String expected = line.equals("S:") ? "" : line.substring(regex ? 4 : 3);
                    String got = client.readLine();
                    if (got == null) throw new AssertionError(where + "expected [" + expected + "] but the server hung up");
                    if (!matches(expected, got, regex)) throw new AssertionError(where + "expected [" + expected + "] but got [" + got + "]");
                } else if (line.equals("TLS")) {
                    client.startTls();
                } else if (line.equals("HANGUP")) {
                    String got = client.hangUp();
                    if (got != null) throw new AssertionError(where + "expected the server to close after the hang-up, got [" + got + "]");
                } else if (line.equals("CLOSED")) {
                    String got = client.readLine();
                    if (got != null) throw new AssertionError(where + "expected the server to hang up, got [" + got + "]");
                } else if (line.startsWith("SILENT ")) {
                    String got = client.readLineWithin(Integer.parseInt(line.substring(7).strip()));
                    if (got != null) throw new AssertionError(where + "expected silence, got [" + got + "]");
                } else {
                    throw new IllegalArgumentException(where + "unknown transcript line: " + line);
                }
            }
        } finally {
            sessions.values().forEach(Client::close);
        }
    }

    private static boolean matches(String expected, String got, boolean regex) {
        if (regex) return Pattern.compile(expected).matcher(got).matches();
        if (expected.endsWith("*")) return got.startsWith(expected.substring(0, expected.length() - 1));
        return got.equals(expected);
    }

    /** The line with its ${VAR}s replaced, as the transcript runner does (for runners built on this one). */
    public static String substitute(String line) {
        line = repeat(line);
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(line);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(VARS.getOrDefault(m.group(1), m.group())));
        m.appendTail(sb);
        return sb.toString();
    }

    /** {@code ${x*500}}: the character x 500 times, for lines at a length limit. */
    private static String repeat(String line) {
        Matcher m = Pattern.compile("\\$\\{(.)\\*(\\d+)}").matcher(line);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1).repeat(Integer.parseInt(m.group(2)))));
        m.appendTail(sb);
        return sb.toString();
    }

    /** RAW's text as octets: UTF-8, with {@code \xNN} as one octet (e.g. a byte that is not UTF-8). */
    static byte[] rawBytes(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Matcher m = Pattern.compile("\\\\x([0-9A-Fa-f]{2})").matcher(s);
        int at = 0;
        while (m.find()) {
            out.writeBytes(unescape(s.substring(at, m.start())).getBytes(StandardCharsets.UTF_8));
            out.write(Integer.parseInt(m.group(1), 16));
            at = m.end();
        }
        out.writeBytes(unescape(s.substring(at)).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\0", "\0").replace("\\\\", "\\");
    }

    /**
     * One dynamic test per file under {@code transcripts/<protocol>/}, each against a fresh server
     * configured by the file's CONFIG lines and connected to the protocol's plain listener.
     */
    public static java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> tests(String protocol) throws IOException {
        return tests(protocol, Map::of);
    }

    /** The same, each server also given {@code settings} made afresh for it (e.g. a new PostgreSQL database as its store). */
    public static java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> tests(String protocol,
            java.util.concurrent.Callable<Map<String, String>> settings) throws IOException {
        return files(protocol).stream().map(file -> org.junit.jupiter.api.DynamicTest.dynamicTest(
                file.getFileName().toString().replace(".txt", ""), () -> {
                    Transcript transcript = new Transcript(file, protocol);
                    Map<String, String> config = new java.util.LinkedHashMap<>(settings.call());
                    config.putAll(transcript.config());
                    try (Dnsmasq dns = new Dnsmasq()) {
                        if (!transcript.dns().isEmpty()) {
                            transcript.dns().forEach(dns::line);
                            config.put("dns.servers", dns.start().address());
                        }
                        TestServer server = TestServer.start(config);
                        try {
                            transcript.run(server);
                        } finally {
                            server.closeAndDelete();
                        }
                    }
                }));
    }

    /**
     * Every transcript file under a resource folder, for a {@code @TestFactory}; with
     * {@code -Dtranscript=bdat,ehlo} only those whose name contains one of the words (to run a few while writing them).
     */
    public static List<Path> files(String resourceDir) throws IOException {
        Path dir = Path.of("src/test/resources/transcripts", resourceDir);
        List<String> only = List.of(System.getProperty("transcript", "").split(","));
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".txt") && only.stream().anyMatch(p.getFileName().toString()::contains))
                    .sorted().toList();
        }
    }

    /** A line-oriented test client over a real socket. */
    static final class Client {
        private static final int TIMEOUT_MS = 10_000;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        static Client connect(int port, boolean implicitTls) {
            try {
                Client c = new Client();
                c.socket = new Socket("127.0.0.1", port);
                c.socket.setSoTimeout(TIMEOUT_MS);
                c.in = c.socket.getInputStream();
                c.out = c.socket.getOutputStream();
                if (implicitTls) c.startTls();
                return c;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void startTls() throws IOException {
            SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            socket = tls;
            in = tls.getInputStream();
            out = tls.getOutputStream();
        }

        /** The next line without CRLF, or null when the server closed the connection. */
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (java.net.SocketException e) {
                    b = -1;
                }
                if (b < 0) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
        }

        /**
         * Half-closes (FIN, no QUIT/LOGOUT) and reads until the server closes too, so that what the
         * server does on a lost client (releasing locks) is done when this returns; null, or the first
         * line the server still sent.
         */
        String hangUp() throws IOException {
            if (socket instanceof SSLSocket) socket.close();
            else socket.shutdownOutput();
            return socket.isClosed() ? null : readLine();
        }

        String readLineWithin(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                return readLine();
            } catch (SocketTimeoutException e) {
                return null;
            } finally {
                socket.setSoTimeout(TIMEOUT_MS);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // test is over
            }
        }
    }
}
