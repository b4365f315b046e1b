package org.estafeta.imap;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSession;
import org.estafeta.auth.AuthFailure;
import org.estafeta.auth.AuthResult;
import org.estafeta.auth.SaslConversation;
import org.estafeta.auth.SaslMechanism;
import org.estafeta.events.MailboxEvents;
import org.estafeta.imap.ImapCommand.State;
import org.estafeta.net.Connection;
import org.estafeta.net.ShuttingDown;
import org.estafeta.net.Line;
import org.estafeta.store.Account;
import org.estafeta.store.StoreException;
import org.estafeta.store.StoreUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP conversation (RFC 9051, and RFC 3501 for IMAP4rev1 clients) on its own virtual thread.
 * The loop reads a command line, {@link #dispatch} parses tag and name, checks the state once and
 * runs the handler; handlers parse their arguments with an {@link ImapReader}, then act, then return
 * the text of the tagged OK. Failures are exceptions turned into BAD/NO in one place. Command groups
 * live in {@link MailboxCommands}, {@link FetchCommand}, {@link SearchCommand} and
 * {@link MessageCommands}.
 */
final class ImapSession implements ImapReader.Source {

    private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

    /** What a handler answers with: the tagged OK's response code (or null) and text. */
    record Done(String code, String text) {
        static Done ok(String text) {
            return new Done(null, text);
        }
    }

    final String listenerName;
    final Connection conn;
    final ImapSettings settings;
    final ImapServer.Services services;
    final ImapWriter out;
    /** The client is in net.lenient_networks: may log in before TLS. */
    private final boolean lenient;

    State state = State.NOT_AUTHENTICATED;
    /** Who logged in; null before. */
    Account account;
    /** The selected mailbox; null unless {@link State#SELECTED}. */
    SelectedMailbox selected;
    /** ENABLEd extensions (RFC 5161). */
    boolean utf8, rev2, condstore, qresync;
    /** The result of the last SEARCH RETURN (SAVE) (RFC 5182), as UIDs. */
    List<Long> savedSearch = List.of();
    private int errors;
    private int commands;
    private String endReason = "disconnected";
    private final ImapServer.CommandTimer timer;

    ImapSession(String listenerName, Connection conn, ImapSettings settings, ImapServer.Services services, ImapServer.CommandTimer timer) {
        this.listenerName = listenerName;
        this.timer = timer;
        this.conn = conn;
        this.settings = settings;
        this.services = services;
        this.out = new ImapWriter(conn);
        this.lenient = settings.lenient().contains(conn.remoteAddress());
    }

    void run() throws IOException {
        try {
            out.untagged("OK [CAPABILITY " + capabilities() + "] " + settings.hostname() + " Estafeta IMAP ready");
            // RFC 9051 §7.1.5: BYE may come at any time, when the server is shutting down.
            // Under the writer's lock: during IDLE, mailbox events write from another thread.
            conn.onShutdown(Connection.GoodbyeTiming.AT_ONCE, () -> {
                out.lock.lock();
                try {
                    out.untagged("BYE [UNAVAILABLE] " + settings.hostname() + " shutting down");
                } finally {
                    out.lock.unlock();
                }
            });
            while (state != State.LOGOUT) {
                Line line = conn.readCommand(settings.lineLength());
                if (line == null || line.ending() == Line.Ending.EOF) break;
                if (line.ending() == Line.Ending.TRUNCATED) {
                    conn.skipLine();
                    String tag = tagOf(line.bytes());
                    reply(tag, "BAD", "TOOBIG", "Command line too long, the limit is " + settings.lineLength() + " octets");
                    continue;
                }
                if (line.bytes().length == 0) continue;
                dispatch(line.bytes());
            }
        } catch (SocketTimeoutException e) {
            endReason = "idle timeout";
            out.untagged("BYE Autologout; idle for too long");
        } catch (EOFException e) {
            endReason = "disconnected in a literal";
        } catch (ShuttingDown e) {
            endReason = "server shutting down";
        } finally {
            // The mailbox let go and the session's line first: the last flush meets a socket the client
            // may have reset already, and must not keep the mailbox watched by a session that is gone.
            if (selected != null) selected.close();
            log.info("{} {} session {} user={} tls={} commands={} errors={} end={}", listenerName, conn.remoteAddress().getHostAddress(), conn.id(),
                    account == null ? null : account.address(), tlsDescription(), commands, errors, endReason);
            conn.flush();
        }
    }

    private static String tagOf(byte[] line) {
        int n = 0;
        while (n < line.length && n < 64 && ImapReader.isAtomChar(line[n] & 0xff) && line[n] != '+') n++;
        return n == 0 ? "*" : ImapWriter.sanitize(new String(line, 0, n, StandardCharsets.US_ASCII));
    }

    private void dispatch(byte[] line) throws IOException {
        commands++;
        ImapReader r = new ImapReader(line, this, settings.lineLength(), settings.commandLiterals());
        String tag;
        try {
            tag = r.tag();
            r.sp();
        } catch (ImapException e) {
            reply("*", "BAD", null, "Missing tag or command");
            r.discardRest();
            return;
        }
        String verb = r.verb();
        boolean uid = false;
        if (verb.equals("UID") && r.take(' ')) {
            verb = r.verb();
            uid = true;
        }
        ImapCommand command = ImapCommand.of(verb);
        if (command == null || uid && !command.uidForm) {
            r.discardRest();
            reply(tag, "BAD", null, "Unknown command " + ImapWriter.sanitize((uid ? "UID " : "") + verb));
            return;
        }
        if (!command.allowedIn.contains(state)) {
            r.discardRest();
            String why = state == State.NOT_AUTHENTICATED ? "before login"
                    : command.allowedIn.contains(State.NOT_AUTHENTICATED) ? "after login" : "without a selected mailbox";
            reply(tag, "BAD", null, command + " is not allowed " + why);
            return;
        }
        long started = System.nanoTime();
        try {
            try {
                Done done = run(command, uid, r, tag);
                if (done == null) return;
                sendUpdates(command, uid);
                reply(tag, "OK", done.code(), done.text());
            } catch (ImapException e) {
                r.discardRest();
                if (state == State.SELECTED && e instanceof ImapException.No) sendUpdates(command, uid);
                reply(tag, e instanceof ImapException.Bad ? "BAD" : "NO", e.code, e.getMessage());
            } catch (RuntimeException e) {
                // The store (an unreadable blob, the database) or a bug, not the client. A database out of
                // reach for now is UNAVAILABLE (RFC 5530 §3): the same command may work in a moment.
                boolean unavailable = e instanceof StoreUnavailable;
                if (unavailable) {
                    log.warn("{} {} session {} {}: {} failed: {}", listenerName, conn.remoteAddress().getHostAddress(), conn.id(), account,
                            command, e.getMessage());
                } else {
                    log.error("{} {} session {} {}: {} failed", listenerName, conn.remoteAddress().getHostAddress(), conn.id(), account, command, e);
                }
                if (out.inResponse()) {
                    // Half a FETCH response (a literal announced) cannot be taken back: the client would
                    // read our next line as message data. End the session rather than feed it garbage.
                    state = State.LOGOUT;
                    endReason = "store failure in the middle of a response";
                    return;
                }
                r.discardRest();
                if (unavailable) reply(tag, "NO", "UNAVAILABLE", "The mail store is unavailable, try again later");
                else reply(tag, "NO", "SERVERBUG", "Internal error, try again later");
            }
        } finally {
            // Every outcome (OK, NO, BAD) counts: a slow NO is as slow for the user. IDLE lasts as long as the client likes.
            if (command != ImapCommand.IDLE) timer.took((uid ? "UID " : "") + command, java.time.Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private Done run(ImapCommand command, boolean uid, ImapReader r, String tag) throws ImapException, IOException {
        return switch (command) {
            case CAPABILITY -> capability(r);
            case NOOP -> noop(r);
            case LOGOUT -> logout(r);
            case ID -> id(r);
            case STARTTLS -> startTls(r, tag);
            case LOGIN -> login(r);
            case AUTHENTICATE -> authenticate(r, tag);
            case ENABLE -> enable(r);
            case IDLE -> idle(r, tag);
            case SELECT -> MailboxCommands.select(this, r, false);
            case EXAMINE -> MailboxCommands.select(this, r, true);
            case CREATE -> MailboxCommands.create(this, r);
            case DELETE -> MailboxCommands.delete(this, r);
            case RENAME -> MailboxCommands.rename(this, r);
            case SUBSCRIBE -> MailboxCommands.subscribe(this, r, true);
            case UNSUBSCRIBE -> MailboxCommands.subscribe(this, r, false);
            case LIST -> ListCommand.list(this, r, false);
            case LSUB -> ListCommand.list(this, r, true);
            case NAMESPACE -> MailboxCommands.namespace(this, r);
            case STATUS -> MailboxCommands.status(this, r);
            case APPEND -> AppendCommand.append(this, r);
            case GETQUOTA -> MailboxCommands.getQuota(this, r);
            case GETQUOTAROOT -> MailboxCommands.getQuotaRoot(this, r);
            case CHECK -> check(r);
            case CLOSE -> MessageCommands.close(this, r, true);
            case UNSELECT -> MessageCommands.close(this, r, false);
            case EXPUNGE -> MessageCommands.expunge(this, r, uid);
            case STORE -> MessageCommands.store(this, r, uid);
            case COPY -> MessageCommands.copy(this, r, uid, false);
            case MOVE -> MessageCommands.copy(this, r, uid, true);
            case FETCH -> FetchCommand.fetch(this, r, uid);
            case SEARCH -> SearchCommand.search(this, r, uid, tag);
            case SORT -> SortCommand.sort(this, r, uid);
            case THREAD -> ThreadCommand.thread(this, r, uid);
        };
    }

    /**
     * Tells the client what changed in the selected mailbox, at the end of a command. EXPUNGE may not
     * be sent during FETCH, STORE or SEARCH by sequence number (RFC 9051 §7.5.1), nor after a failed
     * command that could not have been tracked.
     */
    private void sendUpdates(ImapCommand command, boolean uid) throws IOException {
        if (state != State.SELECTED || selected == null) return;
        boolean expungeAllowed = uid || !(command == ImapCommand.FETCH || command == ImapCommand.STORE
                || command == ImapCommand.SEARCH || command == ImapCommand.SORT || command == ImapCommand.THREAD);
        selected.sync(this, expungeAllowed);
    }

    void reply(String tag, String status, String code, String text) throws IOException {
        out.tagged(tag, status, code, text);
        // Only BAD counts: NO is an ordinary answer (a missing mailbox, a wrong password is throttled by auth).
        if (status.equals("BAD")) {
            errors++;
            if (errors >= settings.errors()) {
                out.untagged("BYE Too many errors");
                state = State.LOGOUT;
                endReason = "too many errors";
            }
        }
    }

    // --- ImapReader.Source: literals from the connection ---

    @Override
    public byte[] literal(long n, boolean sync, OutputStream sink) throws IOException, ImapException {
        if (sync) out.continuation("Ready for literal data");
        if (!conn.readExactly(n, sink)) throw new EOFException();
        return nextLine();
    }

    @Override
    public void skip(long n) throws IOException {
        if (!conn.readExactly(n, OutputStream.nullOutputStream())) throw new EOFException();
    }

    @Override
    public byte[] nextLine() throws IOException, ImapException {
        Line line = conn.readLine(settings.lineLength());
        if (line == null || line.ending() == Line.Ending.EOF) throw new EOFException();
        if (line.ending() == Line.Ending.TRUNCATED) {
            conn.skipLine();
            throw new ImapException.Bad("TOOBIG", "Command line too long");
        }
        return line.bytes();
    }

    // --- capabilities ---

    boolean loginAllowed() {
        return conn.isTls() || lenient;
    }

    String capabilities() {
        List<String> caps = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2"));
        if (state == State.NOT_AUTHENTICATED) {
            if (!conn.isTls() && settings.tls() != null) caps.add("STARTTLS");
            if (!loginAllowed()) caps.add("LOGINDISABLED");
            for (SaslMechanism m : SaslMechanism.values()) {
                if (!m.sendsPassword() || loginAllowed()) caps.add("AUTH=" + m.saslName());
            }
            caps.add("SASL-IR");
        }
        caps.addAll(List.of("LITERAL+", "MULTIAPPEND", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CHILDREN",
                "SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "ESEARCH", "SEARCHRES", "CONDSTORE", "QRESYNC",
                "STATUS=SIZE", "UTF8=ACCEPT", "QUOTA", "QUOTA=RES-STORAGE", "BINARY", "SORT",
                "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "APPENDLIMIT=" + settings.appendLimit()));
        return String.join(" ", caps);
    }

    // --- commands of any state ---

    private Done capability(ImapReader r) throws ImapException, IOException {
        r.end();
        out.untagged("CAPABILITY " + capabilities());
        return Done.ok("CAPABILITY completed");
    }

    private Done noop(ImapReader r) throws ImapException {
        r.end();
        return Done.ok("NOOP completed");
    }

    /** RFC 3501 §6.4.1: every change is already committed, so there is nothing to checkpoint. */
    private Done check(ImapReader r) throws ImapException {
        r.end();
        return Done.ok("CHECK completed");
    }

    private Done logout(ImapReader r) throws ImapException, IOException {
        r.end();
        out.untagged("BYE " + settings.hostname() + " logging out");
        state = State.LOGOUT;
        endReason = "LOGOUT";
        return Done.ok("LOGOUT completed");
    }

    /** RFC 2971: the client's identification is only logged; ours is the product name. */
    private Done id(ImapReader r) throws ImapException, IOException {
        r.sp();
        List<String> fields = new ArrayList<>();
        if (!r.takeKeyword("NIL")) {
            r.expect('(');
            while (!r.take(')')) {
                if (!fields.isEmpty()) r.sp();
                fields.add(r.string());
                r.sp();
                fields.add(String.valueOf(r.nstring()));
                if (fields.size() > 60) throw ImapException.bad("Too many ID fields");
            }
        }
        r.end();
        if (!fields.isEmpty()) log.debug("{} {} ID {}", listenerName, conn.remoteAddress().getHostAddress(), fields);
        out.untagged("ID (\"name\" \"Estafeta\" \"vendor\" \"Estafeta\")");
        return Done.ok("ID completed");
    }

    // --- not authenticated ---

    private Done startTls(ImapReader r, String tag) throws ImapException, IOException {
        r.end();
        if (conn.isTls()) throw ImapException.bad("TLS is already active");
        if (settings.tls() == null) throw ImapException.no("UNAVAILABLE", "TLS is not available");
        reply(tag, "OK", null, "Begin TLS negotiation now");
        conn.flush();
        try {
            conn.startTls(settings.tls());
        } catch (IOException e) {
            state = State.LOGOUT;
            endReason = "TLS handshake failed: " + e.getMessage();
        }
        return null;
    }

    private Done login(ImapReader r) throws ImapException, IOException {
        r.sp();
        String user = r.astring();
        r.sp();
        String password = r.astring();
        r.end();
        if (!loginAllowed()) {
            throw ImapException.no("PRIVACYREQUIRED", "Use STARTTLS or port 993 before sending a password");
        }
        loggedIn(authenticated(services.authenticator().login(conn.remoteAddress(), user, password, "IMAP LOGIN")));
        return new Done("CAPABILITY " + capabilities(), "LOGIN completed");
    }

    private static Account authenticated(AuthResult result) throws ImapException {
        return switch (result) {
            case AuthResult.Success ok -> ok.account();
            case AuthResult.Failure f -> throw failure(f.reason());
        };
    }

    private static ImapException failure(AuthFailure reason) {
        return switch (reason) {
            case INVALID_CREDENTIALS -> ImapException.no("AUTHENTICATIONFAILED", "Authentication failed");
            case MALFORMED -> ImapException.bad("Malformed SASL message");
            case THROTTLED -> ImapException.no("UNAVAILABLE", "Too many failed logins, try again later");
            case UNAVAILABLE -> ImapException.no("UNAVAILABLE", "Authentication is unavailable, try again later");
        };
    }

    /** RFC 9051 §6.2.2 with SASL-IR (RFC 4959); the mechanisms are the shared ones in {@code auth}. */
    private Done authenticate(ImapReader r, String tag) throws ImapException, IOException {
        r.sp();
        String name = r.atom();
        String initial = null;
        if (r.take(' ')) initial = r.take('=') ? "=" : r.atom();
        r.end();
        SaslMechanism mechanism = SaslMechanism.byName(name)
                .orElseThrow(() -> ImapException.no("CANNOT", "Unsupported SASL mechanism " + ImapWriter.sanitize(name)));
        if (mechanism.sendsPassword() && !loginAllowed()) {
            throw ImapException.no("PRIVACYREQUIRED", "Use STARTTLS or port 993 before sending a password");
        }
        SaslConversation.Outcome outcome = SaslConversation.run(services.authenticator().start(mechanism, conn.remoteAddress()),
                initial, base64 -> {
                    out.continuation(base64);
                    Line line = conn.readLine(settings.lineLength());
                    if (line == null || line.ending() == Line.Ending.EOF) return null;
                    if (line.ending() == Line.Ending.TRUNCATED) {
                        conn.skipLine();
                        return "";
                    }
                    return line.text();
                });
        switch (outcome) {
            case SaslConversation.Outcome.Authenticated a -> loggedIn(a.account());
            case SaslConversation.Outcome.Failed f -> throw f.reason() == AuthFailure.INVALID_CREDENTIALS
                    ? ImapException.no("AUTHENTICATIONFAILED", f.text("Authentication failed", lenient)) : failure(f.reason());
            case SaslConversation.Outcome.Cancelled c -> throw ImapException.bad("Authentication cancelled");
            case SaslConversation.Outcome.BadEncoding b -> throw ImapException.bad("Invalid base64");
            case SaslConversation.Outcome.Disconnected d -> {
                state = State.LOGOUT;
                return null;
            }
        }
        return new Done("CAPABILITY " + capabilities(), "AUTHENTICATE completed");
    }

    /**
     * A CONDSTORE-enabling command (RFC 7162 §3.1): from now on FETCH and STORE show MODSEQ; when a
     * mailbox is selected the client learns its HIGHESTMODSEQ first.
     */
    void enableCondstore() throws IOException {
        if (condstore) return;
        condstore = true;
        if (selected != null) out.untagged("OK [HIGHESTMODSEQ " + selected.knownModSeq() + "] Highest");
    }

    private void loggedIn(Account a) {
        account = a;
        services.authenticator().sessions().add(a, conn);
        state = State.AUTHENTICATED;
    }

    // --- authenticated ---

    /** RFC 5161. */
    private Done enable(ImapReader r) throws ImapException, IOException {
        List<String> enabled = new ArrayList<>();
        while (r.take(' ')) {
            String cap = switch (r.atom().toUpperCase(Locale.ROOT)) {
                case "CONDSTORE" -> {
                    condstore = true;
                    yield "CONDSTORE";
                }
                case "QRESYNC" -> {
                    qresync = condstore = true;
                    yield "QRESYNC";
                }
                case "UTF8=ACCEPT" -> {
                    utf8 = true;
                    yield "UTF8=ACCEPT";
                }
                case "IMAP4REV2" -> {
                    rev2 = true;
                    yield "IMAP4rev2";
                }
                default -> null;
            };
            if (cap != null) enabled.add(cap);
        }
        r.end();
        out.untagged("ENABLED" + (enabled.isEmpty() ? "" : " " + String.join(" ", enabled)));
        return Done.ok("ENABLE completed");
    }

    /**
     * RFC 2177: waits for DONE while changes are pushed as they happen. The session thread blocks on
     * the socket; a change notice starts a short virtual thread that writes the updates under the
     * writer lock, so an idle connection costs one parked virtual thread and nothing else.
     */
    private Done idle(ImapReader r, String tag) throws ImapException, IOException {
        r.end();
        out.continuation("idling");
        AtomicBoolean idling = new AtomicBoolean(true);
        AtomicBoolean pending = new AtomicBoolean();
        MailboxEvents.Subscription subscription = null;
        if (selected != null) {
            long mailboxId = selected.mailbox().id();
            subscription = services.events().subscribe(account.id(), changed -> {
                if (changed != mailboxId && changed != -1) return;
                if (!pending.compareAndSet(false, true)) return;
                Thread.ofVirtual().start(() -> {
                    out.lock.lock();
                    try {
                        pending.set(false);
                        if (!idling.get()) return;
                        selected.sync(this, true);
                        out.flush();
                    } catch (IOException | RuntimeException e) {
                        log.debug("IDLE update failed: {}", e.toString());
                    } finally {
                        out.lock.unlock();
                    }
                });
            });
        }
        try {
            // Anything that arrived between the last command and the subscription.
            if (selected != null) {
                out.lock.lock();
                try {
                    selected.sync(this, true);
                } finally {
                    out.lock.unlock();
                }
            }
            Line line = conn.readCommand(settings.lineLength());
            if (line == null || line.ending() == Line.Ending.EOF) {
                state = State.LOGOUT;
                return null;
            }
            if (line.ending() == Line.Ending.TRUNCATED) conn.skipLine();
            if (!line.text().strip().equalsIgnoreCase("DONE")) throw ImapException.bad("Expected DONE");
        } finally {
            if (subscription != null) subscription.close();
            out.lock.lock();
            idling.set(false);
            out.lock.unlock();
        }
        return Done.ok("IDLE terminated");
    }

    private String tlsDescription() {
        SSLSession s = conn.tlsSession();
        return s == null ? "no" : s.getProtocol();
    }
}
