package org.estafeta.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.estafeta.auth.AuthFailure;
import org.estafeta.auth.AuthResult;
import org.estafeta.auth.Authenticator;
import org.estafeta.auth.SaslConversation;
import org.estafeta.auth.SaslMechanism;
import org.estafeta.mime.Downgrade;
import org.estafeta.net.ClientText;
import org.estafeta.net.Connection;
import org.estafeta.net.ShuttingDown;
import org.estafeta.net.DotStuffingOutputStream;
import org.estafeta.net.Line;
import org.estafeta.pop3.Pop3Command.State;
import org.estafeta.store.Account;
import org.estafeta.store.BlobUnreadable;
import org.estafeta.store.Blobs;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 conversation (RFC 1939) on its own virtual thread: greeting, AUTHORIZATION until a login
 * succeeds and the maildrop is locked, TRANSACTION until QUIT, then UPDATE. A hang-up, the idle
 * timeout or too many errors end the session without UPDATE, so nothing is deleted. The state a
 * command needs is checked once, in {@link #dispatch}; each handler parses its arguments, then acts.
 */
final class Pop3Session {

    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);
    private static final int COPY_BUFFER = 16 * 1024;

    /** "pop3" or "pop3s", for the log. */
    private final String listenerName;
    private final Connection conn;
    private final Pop3Settings settings;
    private final Authenticator authenticator;
    private final Mailboxes mailboxes;
    private final Messages messages;
    private final Blobs blobs;
    /** The client is in net.lenient_networks: may send a password before TLS. */
    private final boolean lenient;

    private State state = State.AUTHORIZATION;
    /** RFC 6856: the client sent UTF8, so UTF-8 header fields reach it unchanged; else RFC 6858 §4 downgrades them. */
    private boolean utf8;
    /** The name from USER, waiting for PASS (RFC 1939 §7); cleared by PASS, AUTH and STLS. */
    private String pendingUser;
    /** From a successful login on: the account, how it logged in, its maildrop lock and view. */
    private Account account;
    private String authMethod;
    private Mailboxes.MaildropLock lock;
    private Maildrop maildrop;

    /** -ERR replies so far; at limits.errors the session ends. */
    private int errors;
    /** For the session's log line: RETRs sent, and messages expunged at QUIT. */
    private int retrieved;
    private int expunged;
    /** Set by QUIT, a failed TLS handshake, a hang-up during AUTH or too many errors: the loop ends. */
    private boolean done;
    /** A multi-line response (RETR, TOP) is being sent: an error now cannot be reported, only end the session. */
    private boolean inMultiline;
    private String endReason = "disconnected";

    Pop3Session(String listenerName, Connection conn, Pop3Settings settings, Authenticator authenticator,
                Mailboxes mailboxes, Messages messages, Blobs blobs) {
        this.listenerName = listenerName;
        this.conn = conn;
        this.settings = settings;
        this.authenticator = authenticator;
        this.mailboxes = mailboxes;
        this.messages = messages;
        this.blobs = blobs;
        this.lenient = settings.lenient().contains(conn.remoteAddress());
    }

    void run() throws IOException {
        try {
            conn.setIdleTimeout(settings.idleTimeout());
            ok(settings.hostname() + " POP3 Estafeta ready");
            // POP3 has no unsolicited responses (RFC 1939 §3): the next command is answered, with
            // RFC 3206's SYS/TEMP (a passing trouble of the server, try again later).
            conn.onShutdown(Connection.GoodbyeTiming.AT_NEXT_COMMAND, () -> conn.write("-ERR [SYS/TEMP] " + settings.hostname() + " shutting down\r\n"));
            while (!done) {
                Line line = conn.readCommand(settings.lineLength());
                if (line == null || line.ending() == Line.Ending.EOF) break;
                if (line.ending() == Line.Ending.TRUNCATED) {
                    conn.skipLine();
                    error(new Pop3Exception("Line too long, the limit is " + settings.lineLength() + " octets"));
                    continue;
                }
                dispatch(ClientText.decode(line.bytes()));
            }
        } catch (SocketTimeoutException e) {
            // RFC 1939 §3: an autologout timer ends the session without entering UPDATE.
            endReason = "idle timeout";
            conn.write("-ERR Disconnected for inactivity\r\n");
        } catch (ShuttingDown e) {
            // Nothing deleted: the session never reaches UPDATE, as on any disconnect (RFC 1939 §6).
            endReason = "server shutting down";
        } finally {
            if (lock != null) lock.close();
            log.info("{} {} session {} user={} auth={} tls={} lenient={} retrieved={} deleted={} errors={} end={}",
                    listenerName, conn.remoteAddress().getHostAddress(), conn.id(), account == null ? null : account.address(),
                    authMethod, tlsDescription(), lenient, retrieved, expunged, errors, endReason);
            conn.flush();
        }
    }

    private void dispatch(String line) throws IOException {
        int space = line.indexOf(' ');
        Pop3Command command = Pop3Command.of(space < 0 ? line : line.substring(0, space));
        Pop3Args args = new Pop3Args(command, space < 0 ? "" : line.substring(space + 1));
        try {
            if (command == null) throw new Pop3Exception("Unknown command");
            if (!command.states.contains(state)) {
                throw new Pop3Exception(state == State.AUTHORIZATION
                        ? "Not logged in yet: use USER and PASS, or AUTH" : "Not valid after login");
            }
            switch (command) {
                case USER -> user(args);
                case PASS -> pass(args);
                case AUTH -> auth(args);
                case STLS -> stls(args);
                case APOP -> throw new Pop3Exception("APOP is not offered: use USER and PASS, or AUTH");
                case UTF8 -> utf8(args);
                case CAPA -> capa(args);
                case QUIT -> quit(args);
                case STAT -> stat(args);
                case LIST -> list(args);
                case RETR -> retr(args);
                case DELE -> dele(args);
                case NOOP -> noop(args);
                case RSET -> rset(args);
                case TOP -> top(args);
                case UIDL -> uidl(args);
            }
        } catch (Pop3Exception e) {
            error(e);
        } catch (RuntimeException e) {
            // The store (the database, an unreadable blob) or a bug, not the client.
            log.error("{} {} session {}: {} failed", listenerName, conn.remoteAddress().getHostAddress(), conn.id(), command, e);
            if (inMultiline) {
                // Half a message sent: an -ERR now would read as message text. End instead (RFC 1939 §3 lets us close).
                done = true;
                endReason = "store failure in the middle of a response";
                return;
            }
            error(new Pop3Exception(Pop3Exception.SYS_TEMP, "Internal error, try again later"));
        }
    }

    // --- AUTHORIZATION (RFC 1939 §4, §7; RFC 2595; RFC 5034) ---

    private void user(Pop3Args args) throws IOException, Pop3Exception {
        String name = args.word();
        args.end();
        requirePlaintextAllowed();
        pendingUser = name;
        ok("Password required for " + ClientText.printable(name));
    }

    private void pass(Pop3Args args) throws IOException, Pop3Exception {
        String user = pendingUser;
        pendingUser = null;
        if (user == null) throw new Pop3Exception("No user name given: send USER first");
        String password = args.rest();
        if (password.isEmpty()) throw args.syntax();
        switch (authenticator.login(conn.remoteAddress(), user, password, "USER")) {
            case AuthResult.Success s -> loggedIn(s.account(), "USER");
            case AuthResult.Failure f -> throw failure(f.reason());
        }
    }

    /**
     * RFC 5034 §4, framed by the shared {@link SaslConversation} ("+ " challenges, "*" cancels, "="
     * is an empty initial response, SCRAM's final data as a last challenge). With no mechanism, the
     * RFC 1734 listing that older clients still ask for.
     */
    private void auth(Pop3Args args) throws IOException, Pop3Exception {
        pendingUser = null;
        String name = args.optionalWord();
        if (name == null) {
            conn.write("+OK Methods follow\r\n");
            for (SaslMechanism m : offeredMechanisms()) conn.write(m.saslName() + "\r\n");
            conn.write(".\r\n");
            return;
        }
        String initial = args.optionalWord();
        args.end();
        SaslMechanism mechanism = SaslMechanism.byName(name)
                .orElseThrow(() -> new Pop3Exception("Unsupported authentication mechanism"));
        if (mechanism.sendsPassword()) requirePlaintextAllowed();
        boolean[] tooLong = {false};
        var outcome = SaslConversation.run(authenticator.start(mechanism, conn.remoteAddress()), initial, challenge -> {
            conn.write("+ " + challenge + "\r\n");
            Line line = conn.readLine(settings.lineLength());
            if (line == null || line.ending() == Line.Ending.EOF) return null;
            if (line.ending() == Line.Ending.TRUNCATED) {
                conn.skipLine();
                tooLong[0] = true;
                return "*";
            }
            return ClientText.decode(line.bytes());
        });
        switch (outcome) {
            case SaslConversation.Outcome.Authenticated a -> loggedIn(a.account(), mechanism.saslName());
            case SaslConversation.Outcome.Failed f -> throw f.reason() == AuthFailure.INVALID_CREDENTIALS
                    ? new Pop3Exception(Pop3Exception.AUTH, f.text("Authentication failed", lenient)) : failure(f.reason());
            case SaslConversation.Outcome.Cancelled c -> throw new Pop3Exception(tooLong[0]
                    ? "Line too long, the limit is " + settings.lineLength() + " octets; authentication aborted"
                    : "Authentication cancelled");
            case SaslConversation.Outcome.BadEncoding b -> throw new Pop3Exception("Invalid base64 data; authentication aborted");
            case SaslConversation.Outcome.Disconnected d -> {
                done = true;
                endReason = "disconnected during AUTH";
            }
        }
    }

    private Pop3Exception failure(AuthFailure reason) {
        return switch (reason) {
            case INVALID_CREDENTIALS -> new Pop3Exception(Pop3Exception.AUTH, "Authentication failed");
            case MALFORMED -> new Pop3Exception("Malformed authentication message");
            case THROTTLED -> new Pop3Exception(Pop3Exception.SYS_TEMP, "Too many failed logins, try again later");
            case UNAVAILABLE -> new Pop3Exception(Pop3Exception.SYS_TEMP, "Authentication is unavailable, try again later");
        };
    }

    /** DESIGN.md: no password in clear except over TLS or from net.lenient_networks. */
    private void requirePlaintextAllowed() throws Pop3Exception {
        if (plaintextAllowed()) return;
        throw new Pop3Exception(Pop3Exception.AUTH, "Plaintext authentication disallowed on non-secure connections: "
                + (settings.tls() != null ? "use STLS first" : "use the POP3S port"));
    }

    private boolean plaintextAllowed() {
        return conn.isTls() || lenient;
    }

    private List<SaslMechanism> offeredMechanisms() {
        return EnumSet.allOf(SaslMechanism.class).stream().filter(m -> plaintextAllowed() || !m.sendsPassword()).toList();
    }

    /** Authenticated: takes the maildrop lock and reads the INBOX, or stays in AUTHORIZATION. */
    private void loggedIn(Account who, String method) throws IOException, Pop3Exception {
        Optional<Mailboxes.MaildropLock> taken = mailboxes.tryLockMaildrop(who.id());
        if (taken.isEmpty()) {
            throw new Pop3Exception(Pop3Exception.IN_USE, "Mailbox is locked by another POP3 session");
        }
        try {
            Mailbox inbox = mailboxes.mailbox(who.id(), "INBOX")
                    .orElseThrow(() -> new Pop3Exception(Pop3Exception.SYS_TEMP, "No INBOX for this account"));
            maildrop = new Maildrop(inbox, messages.list(inbox.id()));
        } catch (Pop3Exception | RuntimeException e) {
            taken.get().close();
            throw e;
        }
        lock = taken.get();
        account = who;
        authenticator.sessions().add(who, conn);
        authMethod = method;
        state = State.TRANSACTION;
        ok("Mailbox locked and ready, " + maildrop.count() + " messages (" + maildrop.octets() + " octets)");
    }

    /** RFC 2595 §4. Anything the client pipelined after STLS is discarded by the connection. */
    private void stls(Pop3Args args) throws IOException, Pop3Exception {
        args.end();
        if (conn.isTls()) throw new Pop3Exception("TLS is already active");
        if (settings.tls() == null) throw new Pop3Exception("TLS is not available");
        ok("Begin TLS negotiation");
        try {
            conn.startTls(settings.tls());
        } catch (IOException e) {
            done = true;
            endReason = "TLS handshake failed: " + e.getMessage();
            return;
        }
        pendingUser = null;
    }

    /** RFC 2449 §5; the login capabilities only where a login is possible. */
    private void capa(Pop3Args args) throws IOException, Pop3Exception {
        args.end();
        conn.write("+OK Capability list follows\r\n");
        conn.write("TOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n");
        if (state == State.AUTHORIZATION) {
            if (plaintextAllowed()) conn.write("USER\r\n");
            // RFC 6856 §2: "USER": names and passwords in USER/PASS may be UTF-8 too.
            conn.write("UTF8 USER\r\n");
            StringBuilder sasl = new StringBuilder("SASL");
            for (SaslMechanism m : offeredMechanisms()) sasl.append(' ').append(m.saslName());
            conn.write(sasl.append("\r\n").toString());
            if (!conn.isTls() && settings.tls() != null) conn.write("STLS\r\n");
        }
        conn.write("IMPLEMENTATION Estafeta\r\n.\r\n");
    }

    /** RFC 6856 §3. */
    private void utf8(Pop3Args args) throws IOException, Pop3Exception {
        args.end();
        utf8 = true;
        ok("UTF8 enabled");
    }

    /** RFC 1939 §4 and §6: in TRANSACTION, QUIT enters UPDATE and applies the session's marks. */
    private void quit(Pop3Args args) throws IOException, Pop3Exception {
        args.end();
        if (state == State.TRANSACTION) {
            long inbox = maildrop.inbox().id();
            List<Long> seen = settings.retrSetsSeen() ? maildrop.retrievedKeptUids() : List.of();
            List<Long> deleted = maildrop.deletedUids();
            try {
                if (!seen.isEmpty()) messages.setFlags(inbox, seen, Messages.Mode.ADD, Flag.SEEN.bit(), List.of(), -1);
                expunged = messages.delete(inbox, deleted).size();
            } catch (RuntimeException e) {
                log.error("{} {}: UPDATE failed for {}", listenerName, conn.remoteAddress().getHostAddress(), account.address(), e);
                done = true;
                endReason = "UPDATE failed";
                conn.write(new Pop3Exception(Pop3Exception.SYS_TEMP, "Some deleted messages not removed, try again later").line());
                return;
            }
        }
        done = true;
        endReason = "QUIT";
        String left = state == State.TRANSACTION
                ? (maildrop.count() == 0 ? " (maildrop empty)" : " (" + maildrop.count() + " messages left)") : "";
        ok(settings.hostname() + " POP3 server signing off" + left);
    }

    // --- TRANSACTION (RFC 1939 §5, §7) ---

    private void stat(Pop3Args args) throws IOException, Pop3Exception {
        args.end();
        ok(maildrop.count() + " " + maildrop.octets());
    }

    private void list(Pop3Args args) throws IOException, Pop3Exception {
        Integer number = args.optionalMessageNumber();
        args.end();
        if (number != null) {
            ok(number + " " + maildrop.get(number).size());
            return;
        }
        StringBuilder sb = new StringBuilder(32 + 16 * maildrop.count());
        sb.append("+OK ").append(maildrop.count()).append(" messages (").append(maildrop.octets()).append(" octets)\r\n");
        for (int n = 1; n <= maildrop.highest(); n++) {
            if (maildrop.exists(n)) sb.append(n).append(' ').append(maildrop.get(n).size()).append("\r\n");
        }
        conn.write(sb.append(".\r\n").toString());
    }

    private void uidl(Pop3Args args) throws IOException, Pop3Exception {
        Integer number = args.optionalMessageNumber();
        args.end();
        if (number != null) {
            maildrop.get(number);
            ok(number + " " + maildrop.uidl(number));
            return;
        }
        StringBuilder sb = new StringBuilder("+OK Unique-ID listing follows\r\n");
        for (int n = 1; n <= maildrop.highest(); n++) {
            if (maildrop.exists(n)) sb.append(n).append(' ').append(maildrop.uidl(n)).append("\r\n");
        }
        conn.write(sb.append(".\r\n").toString());
    }

    private void retr(Pop3Args args) throws IOException, Pop3Exception {
        int number = args.messageNumber();
        args.end();
        MessageInfo message = maildrop.get(number);
        try (InputStream in = open(message)) {
            ok(message.size() + " octets");
            inMultiline = true;
            DotStuffingOutputStream body = new DotStuffingOutputStream(conn.output());
            byte[] buf = new byte[COPY_BUFFER];
            for (int n; (n = in.read(buf)) > 0; ) body.write(buf, 0, n);
            body.finish();
            inMultiline = false;
        }
        maildrop.markRetrieved(number);
        retrieved++;
    }

    /** RFC 1939 §7: the header, the empty line, then at most {@code lines} lines of the body. */
    private void top(Pop3Args args) throws IOException, Pop3Exception {
        int number = args.messageNumber();
        String lines = args.word();
        args.end();
        for (int i = 0; i < lines.length(); i++) if (!Character.isDigit(lines.charAt(i))) throw args.syntax();
        long bodyLines = lines.length() > 18 ? Long.MAX_VALUE : Long.parseLong(lines);
        MessageInfo message = maildrop.get(number);
        try (InputStream in = open(message)) {
            ok("top of message follows");
            inMultiline = true;
            DotStuffingOutputStream out = new DotStuffingOutputStream(conn.output());
            copyTop(in, out, bodyLines);
            out.finish();
            inMultiline = false;
        }
    }

    private static void copyTop(InputStream in, DotStuffingOutputStream out, long bodyLines) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        boolean inHeader = true, lineHasText = false;
        long left = bodyLines;
        for (int n; (n = in.read(buf)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b != '\n') {
                    if (b != '\r') lineHasText = true;
                    continue;
                }
                boolean stop;
                if (inHeader) {
                    inHeader = lineHasText;
                    stop = !inHeader && left == 0;
                } else {
                    stop = --left == 0;
                }
                lineHasText = false;
                if (stop) {
                    out.write(buf, 0, i + 1);
                    return;
                }
            }
            out.write(buf, 0, n);
        }
    }

    private InputStream open(MessageInfo message) throws Pop3Exception {
        try {
            InputStream in = blobs.open(message.blob());
            if (utf8) return in;
            try {
                return Downgrade.message(in);
            } catch (IOException e) {
                in.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (BlobUnreadable e) {
            log.error("{} {} session {}: cannot open blob {} of {}", listenerName, conn.remoteAddress().getHostAddress(), conn.id(),
                    message.blob(), account.address(), e);
            throw new Pop3Exception(Pop3Exception.SYS_TEMP, "Cannot read this message now, try again later");
        }
    }

    private void dele(Pop3Args args) throws IOException, Pop3Exception {
        int number = args.messageNumber();
        args.end();
        maildrop.delete(number);
        ok("message " + number + " deleted");
    }

    private void noop(Pop3Args args) throws IOException, Pop3Exception {
        args.end();
        ok("");
    }

    private void rset(Pop3Args args) throws IOException, Pop3Exception {
        args.end();
        maildrop.reset();
        ok("maildrop has " + maildrop.count() + " messages (" + maildrop.octets() + " octets)");
    }

    // --- replies ---

    private void ok(String text) throws IOException {
        conn.write(text.isEmpty() ? "+OK\r\n" : "+OK " + text + "\r\n");
    }

    /** Writes an -ERR line; counts errors and ends the session when there are too many. */
    private void error(Pop3Exception e) throws IOException {
        conn.write(e.line());
        if (++errors >= settings.maxErrors() && !done) {
            conn.write("-ERR Too many errors, closing connection\r\n");
            done = true;
            endReason = "too many errors";
        }
    }

    private String tlsDescription() {
        SSLSession s = conn.tlsSession();
        return s == null ? "no" : s.getProtocol();
    }
}
