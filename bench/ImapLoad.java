import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IMAP load client for bench/imap.sh (run with {@code java bench/ImapLoad.java MODE ...}).
 *
 * <pre>
 * mix  PORT USERS CLIENTS SECONDS DOMAIN PASSWORD   sessions of LOGIN, LIST, STATUS, SELECT, FETCH (flags
 *      and envelopes, full bodies), STORE, APPEND, EXPUNGE, LOGOUT; every answer is checked against the
 *      INBOX this client tracks (each client owns its users, so the model is exact)
 * idle PORT SMTPPORT CONNECTIONS USER PASSWORD       CONNECTIONS sessions IDLE on one INBOX; one message is
 *      delivered by SMTP and the time until every session has its EXISTS is measured
 * </pre>
 */
public class ImapLoad {

    static final AtomicLong commands = new AtomicLong();
    static final AtomicLong errors = new AtomicLong();
    static final ConcurrentHashMap<String, Boolean> firstErrors = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "mix" -> mix(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args[5], args[6]);
            case "idle" -> idle(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4], args[5]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    // --- a minimal IMAP client ---

    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        int tag;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
            String greeting = line();
            if (!greeting.startsWith("* OK")) throw new IOException("greeting: " + greeting);
        }

        /** One response line; a literal at its end is read and appended as "{n}" + bytes-as-latin1. */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) >= 0 && c != '\n') b.write(c);
            if (c < 0) throw new IOException("connection closed");
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
            Matcher m = LITERAL.matcher(s);
            if (m.find()) {
                int n = Integer.parseInt(m.group(1));
                byte[] data = in.readNBytes(n);
                if (data.length != n) throw new IOException("short literal");
                return s + new String(data, StandardCharsets.ISO_8859_1) + line();
            }
            return s;
        }

        /** Sends a command; returns the untagged lines, checks the tagged status. */
        List<String> run(String command, String expect) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            commands.incrementAndGet();
            List<String> untagged = new ArrayList<>();
            while (true) {
                String l = line();
                if (l.startsWith(t + " ")) {
                    if (!l.startsWith(t + " " + expect)) fail(command + " -> " + l);
                    untagged.add(l);
                    return untagged;
                }
                untagged.add(l);
            }
        }

        List<String> append(String mailbox, byte[] message) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " APPEND " + mailbox + " {" + message.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(message);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            commands.incrementAndGet();
            List<String> untagged = new ArrayList<>();
            while (true) {
                String l = line();
                untagged.add(l);
                if (l.startsWith(t + " ")) {
                    if (!l.startsWith(t + " OK")) fail("APPEND -> " + l);
                    return untagged;
                }
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // done
            }
        }
    }

    static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");

    static void fail(String what) {
        errors.incrementAndGet();
        if (firstErrors.size() < 10) firstErrors.put(what.length() > 300 ? what.substring(0, 300) : what, true);
    }

    static void check(boolean ok, String what) {
        if (!ok) fail(what);
    }

    // --- mix ---

    /** What a client knows of one user's INBOX: UIDs, sizes and \Seen, in UID order. */
    static final class Model {
        final String user;
        final List<long[]> messages = new ArrayList<>(); // uid, size, seen
        long uidNext;

        Model(String user) {
            this.user = user;
        }
    }

    static byte[] message(Random random, String user) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: load@bench.test\r\nTo: ").append(user).append("\r\nSubject: carga ").append(random.nextInt(1_000_000))
                .append("\r\nDate: Tue, 24 Nov 2026 08:00:00 +0000\r\nMessage-ID: <").append(random.nextLong()).append("@bench.test>\r\n\r\n");
        int lines = 10 + random.nextInt(60);
        for (int i = 0; i < lines; i++) sb.append("Linea ").append(i).append(" del mensaje de prueba de carga.\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static void mix(int port, int users, int clients, int seconds, String domain, String password) throws Exception {
        // Each client owns users c, c+clients, ...: the model of each INBOX is exact.
        List<List<Model>> owned = new ArrayList<>();
        for (int c = 0; c < clients; c++) owned.add(new ArrayList<>());
        for (int u = 1; u <= users; u++) owned.get((u - 1) % clients).add(new Model("user" + u + "@" + domain));
        // Fill: 20 messages per INBOX, and learn UIDNEXT.
        CountDownLatch filled = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            List<Model> mine = owned.get(c);
            int seed = c;
            Thread.ofVirtual().start(() -> {
                Random random = new Random(seed);
                try {
                    for (Model m : mine) {
                        try (Client cl = new Client(port)) {
                            cl.run("LOGIN " + m.user + " " + password, "OK");
                            for (int i = 0; i < 20; i++) appendTracked(cl, m, random);
                            cl.run("LOGOUT", "OK");
                        }
                    }
                } catch (IOException e) {
                    fail("fill: " + e);
                } finally {
                    filled.countDown();
                }
            });
        }
        filled.await();
        long filledCommands = commands.getAndSet(0);
        errors.set(errors.get());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(clients);
        AtomicLong sessions = new AtomicLong();
        for (int c = 0; c < clients; c++) {
            List<Model> mine = owned.get(c);
            int seed = 1000 + c;
            Thread.ofVirtual().start(() -> {
                Random random = new Random(seed);
                int turn = 0;
                try {
                    while (System.nanoTime() < deadline) {
                        Model m = mine.get(turn++ % mine.size());
                        try {
                            session(port, m, password, random);
                            sessions.incrementAndGet();
                        } catch (IOException e) {
                            fail("session: " + e);
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("fill:        %d commands (20 messages per user)%n", filledCommands);
        System.out.printf("commands:    %d in %.1f s (%d sessions)%n", commands.get(), elapsed, sessions.get());
        System.out.printf("throughput:  %.0f commands/s%n", commands.get() / elapsed);
        System.out.printf("errors:      %d%n", errors.get());
        firstErrors.keySet().forEach(e -> System.out.println("  error: " + e));
    }

    static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID \\d+ (\\d+)]");
    static final Pattern FETCH_UID = Pattern.compile("^\\* (\\d+) FETCH \\(.*UID (\\d+)");

    static void appendTracked(Client cl, Model m, Random random) throws IOException {
        byte[] msg = message(random, m.user);
        List<String> r = cl.append("INBOX", msg);
        Matcher a = APPENDUID.matcher(r.getLast());
        if (!a.find()) {
            fail("no APPENDUID: " + r.getLast());
            return;
        }
        long uid = Long.parseLong(a.group(1));
        check(m.uidNext == 0 || uid == m.uidNext, "APPENDUID " + uid + " expected " + m.uidNext);
        m.messages.add(new long[] {uid, msg.length, 0});
        m.uidNext = uid + 1;
    }

    static void session(int port, Model m, String password, Random random) throws IOException {
        try (Client cl = new Client(port)) {
            cl.run("LOGIN " + m.user + " " + password, "OK");
            List<String> list = cl.run("LIST \"\" \"*\"", "OK");
            check(list.size() == 7, "LIST gave " + (list.size() - 1) + " mailboxes");
            List<String> status = cl.run("STATUS INBOX (MESSAGES UIDNEXT)", "OK");
            check(status.getFirst().equals("* STATUS \"INBOX\" (MESSAGES " + m.messages.size() + " UIDNEXT " + m.uidNext + ")"),
                    "STATUS " + status.getFirst() + " expected " + m.messages.size() + "/" + m.uidNext);
            List<String> select = cl.run("SELECT INBOX", "OK [READ-WRITE]");
            check(select.contains("* " + m.messages.size() + " EXISTS"), "SELECT without the right EXISTS " + m.messages.size());
            check(select.contains("* OK [UIDNEXT " + m.uidNext + "] Predicted next UID"), "SELECT UIDNEXT");
            int n = m.messages.size();
            if (n > 0) {
                List<String> fetch = cl.run("FETCH 1:* (UID FLAGS ENVELOPE)", "OK");
                int count = 0;
                for (String l : fetch) {
                    Matcher f = FETCH_UID.matcher(l);
                    if (!f.find()) continue;
                    int seq = Integer.parseInt(f.group(1));
                    long uid = Long.parseLong(f.group(2));
                    check(seq <= n && m.messages.get(seq - 1)[0] == uid, "FETCH seq " + seq + " uid " + uid);
                    boolean seen = l.contains("\\Seen");
                    check(seq > n || seen == (m.messages.get(seq - 1)[2] == 1), "FLAGS of " + uid);
                    check(l.contains("ENVELOPE (\"Tue, 24 Nov 2026 08:00:00 +0000\" \"carga "), "ENVELOPE of " + uid);
                    count++;
                }
                check(count == n, "FETCH returned " + count + " of " + n);
                // Two full bodies, which also sets \Seen on them.
                for (int k = 0; k < 2; k++) {
                    int seq = 1 + random.nextInt(n);
                    long[] msg = m.messages.get(seq - 1);
                    List<String> body = cl.run("UID FETCH " + msg[0] + " (RFC822.SIZE BODY[])", "OK");
                    String first = body.getFirst();
                    check(first.contains("RFC822.SIZE " + msg[1] + " ") && first.contains("BODY[] {" + msg[1] + "}"), "BODY[] size of " + msg[0]);
                    check(first.contains("Linea 9 del mensaje"), "BODY[] content of " + msg[0]);
                    msg[2] = 1;
                }
                int seq = 1 + random.nextInt(n);
                List<String> store = cl.run("STORE " + seq + " +FLAGS (\\Flagged \\Seen)", "OK");
                check(store.getFirst().startsWith("* " + seq + " FETCH (FLAGS (\\Seen \\Flagged"), "STORE answer " + store.getFirst());
                m.messages.get(seq - 1)[2] = 1;
            }
            appendTracked(cl, m, random);
            if (m.messages.size() > 25) {
                // Keep the INBOX near 20-25 messages: the oldest two go.
                List<String> del = cl.run("STORE 1:2 +FLAGS.SILENT (\\Deleted)", "OK");
                check(del.size() == 1 || del.stream().noneMatch(l -> l.contains("EXPUNGE")), "STORE .SILENT said " + del);
                List<String> exp = cl.run("EXPUNGE", "OK");
                long expunges = exp.stream().filter(l -> l.endsWith(" EXPUNGE")).count();
                check(expunges == 2, "EXPUNGE announced " + expunges);
                m.messages.removeFirst();
                m.messages.removeFirst();
            }
            cl.run("LOGOUT", "OK");
        }
    }

    // --- idle ---

    static void idle(int port, int smtpPort, int connections, String user, String password) throws Exception {
        List<Client> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        int exists = -1;
        for (int i = 0; i < connections; i++) {
            Client c = new Client(port);
            c.run("LOGIN " + user + " " + password, "OK");
            List<String> select = c.run("SELECT INBOX", "OK");
            for (String l : select) if (l.endsWith(" EXISTS")) exists = Integer.parseInt(l.split(" ")[1]);
            c.out.write("i IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            String cont = c.line();
            if (!cont.startsWith("+")) fail("IDLE: " + cont);
            clients.add(c);
            if ((i + 1) % 1000 == 0) System.out.printf("idle: %d connections idling (%.0f s)%n", i + 1, (System.nanoTime() - t0) / 1e9);
        }
        String expected = "* " + (exists + 1) + " EXISTS";
        CountDownLatch reached = new CountDownLatch(connections);
        AtomicLong last = new AtomicLong();
        for (Client c : clients) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        String l = c.line();
                        if (l.equals(expected)) {
                            last.accumulateAndGet(System.nanoTime(), Math::max);
                            reached.countDown();
                            return;
                        }
                    }
                } catch (IOException e) {
                    fail("idle read: " + e);
                }
            });
        }
        System.out.println("idle: all " + connections + " idling; delivering one message by SMTP");
        long sent = System.nanoTime();
        smtp(smtpPort, user);
        long accepted = System.nanoTime();
        boolean all = reached.await(60, TimeUnit.SECONDS);
        System.out.printf("idle: SMTP accepted after %.0f ms%n", (accepted - sent) / 1e6);
        System.out.printf("idle: %d of %d sessions got \"%s\"; the last %.0f ms after the message was sent%n",
                connections - reached.getCount(), connections, expected, (last.get() - sent) / 1e6);
        System.out.printf("errors:      %d%n", errors.get() + (all ? 0 : 1));
        firstErrors.keySet().forEach(e -> System.out.println("  error: " + e));
        for (Client c : clients) c.close();
    }

    static void smtp(int port, String rcpt) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            var out = s.getOutputStream();
            expect(in, "220");
            for (String[] step : new String[][] {{"EHLO bench.test", "250"}, {"MAIL FROM:<load@bench.test>", "250"},
                    {"RCPT TO:<" + rcpt + ">", "250"}, {"DATA", "354"},
                    {"Subject: nuevo\r\n\r\nhola\r\n.", "250"}, {"QUIT", "221"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, step[1]);
            }
        }
    }

    static void expect(java.io.BufferedReader in, String code) throws IOException {
        String l;
        do {
            l = in.readLine();
            if (l == null) throw new IOException("SMTP closed");
        } while (l.length() > 3 && l.charAt(3) == '-');
        if (!l.startsWith(code)) throw new IOException("SMTP: " + l);
    }
}
