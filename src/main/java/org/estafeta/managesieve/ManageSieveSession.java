package org.estafeta.managesieve;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.estafeta.auth.AuthFailure;
import org.estafeta.auth.Authenticator;
import org.estafeta.auth.SaslConversation;
import org.estafeta.auth.SaslMechanism;
import org.estafeta.managesieve.ManageSieveCommand.State;
import org.estafeta.managesieve.ManageSieveReader.Argument;
import org.estafeta.managesieve.ManageSieveReader.Request;
import org.estafeta.net.ClientText;
import org.estafeta.net.Connection;
import org.estafeta.net.ShuttingDown;
import org.estafeta.sieve.Compiler;
import org.estafeta.sieve.SieveException;
import org.estafeta.store.Account;
import org.estafeta.store.SieveScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ManageSieve conversation (RFC 5804) on its own virtual thread: capabilities and OK as the
 * greeting, then commands until LOGOUT. The state a command needs is checked once in
 * {@link #dispatch}; each handler takes its arguments, then acts. Every user error is a NO with the
 * RFC's response code and the session goes on; limits.errors of them end it with BYE.
 */
final class ManageSieveSession {

    private static final Logger log = LoggerFactory.getLogger(ManageSieveSession.class);
    /** RFC 5804 §1.6 leaves the length open; this is generous for a name shown in a list. */
    private static final int MAX_NAME = 512;

    private final Connection conn;
    private final ManageSieveSettings settings;
    private final Authenticator authenticator;
    private final SieveScripts scripts;
    private final ManageSieveReader reader;
    /** The client may log in with a password before TLS (the trusted networks). */
    private final boolean trusted;

    private State state = State.NOT_AUTHENTICATED;
    private Account account;
    private int errors;
    private int uploads;
    private boolean done;
    private String endReason = "disconnected";

    ManageSieveSession(Connection conn, ManageSieveSettings settings, Authenticator authenticator, SieveScripts scripts) {
        this.conn = conn;
        this.settings = settings;
        this.authenticator = authenticator;
        this.scripts = scripts;
        // A literal may carry a script up to the limit plus room for CRLF conversions.
        this.reader = new ManageSieveReader(conn, settings.lineLength(), settings.sieve().maxScriptBytes());
        this.trusted = settings.lenient().contains(conn.remoteAddress());
    }

    void run() throws IOException {
        try {
            conn.setIdleTimeout(settings.idleTimeout());
            capabilities();
            ok("Estafeta ManageSieve ready");
            // RFC 5804 §1.3: the server may end the session with BYE at any time; TRYLATER (§1.3's
            // response codes) tells the client that the cause is temporary. Said at once to a session
            // waiting for its next command; one in the middle of a command (a PUTSCRIPT literal) finishes it.
            conn.onShutdown(Connection.GoodbyeTiming.AT_ONCE, () -> conn.write("BYE (" + ManageSieveException.TRYLATER + ") "
                    + ManageSieveWriter.quoted(settings.hostname() + " shutting down") + "\r\n"));
            while (!done) {
                Request request;
                try {
                    request = reader.next();
                } catch (ManageSieveReader.Refused r) {
                    if (r.fatal) {
                        bye(r.reply.code, r.reply.getMessage());
                        break;
                    }
                    no(r.reply);
                    continue;
                }
                if (request == null) break;
                dispatch(request);
            }
        } catch (SocketTimeoutException e) {
            endReason = "idle timeout";
            conn.write("BYE \"Disconnected for inactivity\"\r\n");
        } catch (ShuttingDown e) {
            endReason = "shutdown"; // the BYE is said
        } finally {
            log.info("managesieve {} user={} tls={} uploads={} errors={} end={}", conn.remoteAddress().getHostAddress(),
                    account == null ? null : account.address(), conn.isTls(), uploads, errors, endReason);
            conn.flush();
        }
    }

    private void dispatch(Request request) throws IOException {
        ManageSieveCommand command = ManageSieveCommand.of(request.word());
        Arguments args = new Arguments(request.arguments());
        try {
            if (command == null) throw new ManageSieveException("Unknown command");
            if (!command.states.contains(state)) {
                throw new ManageSieveException(state == State.NOT_AUTHENTICATED ? "Log in first with AUTHENTICATE" : "Already logged in");
            }
            switch (command) {
                case AUTHENTICATE -> authenticate(args);
                case STARTTLS -> starttls(args);
                case CAPABILITY -> {
                    args.end();
                    capabilities();
                    ok("Capability completed");
                }
                case NOOP -> noop(args);
                case LOGOUT -> {
                    args.end();
                    ok("Logout completed");
                    done = true;
                    endReason = "logout";
                }
                case HAVESPACE -> haveSpace(args);
                case PUTSCRIPT -> putScript(args);
                case LISTSCRIPTS -> listScripts(args);
                case SETACTIVE -> setActive(args);
                case GETSCRIPT -> getScript(args);
                case DELETESCRIPT -> deleteScript(args);
                case RENAMESCRIPT -> renameScript(args);
                case CHECKSCRIPT -> checkScript(args);
                case UNAUTHENTICATE -> {
                    args.end();
                    account = null;
                    state = State.NOT_AUTHENTICATED;
                    ok("Logged out, you may log in again");
                }
            }
        } catch (ManageSieveException e) {
            no(e);
        } catch (RuntimeException e) {
            log.error("managesieve {} session {}: {} failed", conn.remoteAddress().getHostAddress(), conn.id(), command, e);
            no(new ManageSieveException(ManageSieveException.TRYLATER, "Internal error, try again later"));
        }
    }

    /** RFC 5804 §1.7: sent as the greeting, after STARTTLS, and for CAPABILITY. */
    private void capabilities() throws IOException {
        conn.write("\"IMPLEMENTATION\" \"Estafeta\"\r\n");
        StringBuilder sasl = new StringBuilder();
        for (SaslMechanism m : offeredMechanisms()) sasl.append(sasl.isEmpty() ? "" : " ").append(m.saslName());
        conn.write("\"SASL\" " + ManageSieveWriter.quoted(sasl.toString()) + "\r\n");
        conn.write("\"SIEVE\" " + ManageSieveWriter.quoted(String.join(" ", Compiler.EXTENSIONS)) + "\r\n");
        if (!conn.isTls() && settings.tls() != null) conn.write("\"STARTTLS\"\r\n");
        conn.write("\"MAXREDIRECTS\" \"" + settings.sieve().maxRedirects() + "\"\r\n");
        if (account != null) conn.write("\"OWNER\" " + ManageSieveWriter.quoted(account.address()) + "\r\n");
        conn.write("\"UNAUTHENTICATE\"\r\n");
        conn.write("\"VERSION\" \"1.0\"\r\n");
    }

    private List<SaslMechanism> offeredMechanisms() {
        return EnumSet.allOf(SaslMechanism.class).stream().filter(m -> plaintextAllowed() || !m.sendsPassword()).toList();
    }

    private boolean plaintextAllowed() {
        return conn.isTls() || trusted;
    }

    /** RFC 5804 §2.2: after the handshake the server sends its capabilities again, unasked. */
    private void starttls(Arguments args) throws IOException, ManageSieveException {
        args.end();
        if (conn.isTls()) throw new ManageSieveException("TLS is already active");
        if (settings.tls() == null) throw new ManageSieveException("TLS is not available");
        ok("Begin TLS negotiation now");
        try {
            conn.startTls(settings.tls());
        } catch (IOException e) {
            done = true;
            endReason = "TLS handshake failed: " + e.getMessage();
            return;
        }
        capabilities();
        ok("TLS negotiation successful");
    }

    /** RFC 5804 §2.1 over the shared {@link SaslConversation}: challenges and answers are strings, "*" cancels. */
    private void authenticate(Arguments args) throws IOException, ManageSieveException {
        String name = args.string("a mechanism name");
        String initial = args.optionalString();
        args.end();
        SaslMechanism mechanism = SaslMechanism.byName(name)
                .orElseThrow(() -> new ManageSieveException("Unsupported authentication mechanism"));
        if (mechanism.sendsPassword() && !plaintextAllowed()) {
            throw new ManageSieveException(ManageSieveException.ENCRYPT_NEEDED, "Use STARTTLS before sending a password");
        }
        if (initial != null && initial.isEmpty()) initial = "=";
        var outcome = SaslConversation.run(authenticator.start(mechanism, conn.remoteAddress()), initial, challenge -> {
            conn.write(ManageSieveWriter.quoted(challenge) + "\r\n");
            try {
                return reader.saslResponse();
            } catch (ManageSieveReader.Refused r) {
                return "*";
            }
        });
        switch (outcome) {
            case SaslConversation.Outcome.Authenticated a -> {
                account = a.account();
                authenticator.sessions().add(account, conn);
                state = State.AUTHENTICATED;
                ok("Logged in");
            }
            case SaslConversation.Outcome.Failed f -> throw failure(f.reason());
            case SaslConversation.Outcome.Cancelled c -> throw new ManageSieveException("Authentication cancelled");
            case SaslConversation.Outcome.BadEncoding b -> throw new ManageSieveException("Invalid base64 data; authentication aborted");
            case SaslConversation.Outcome.Disconnected d -> {
                done = true;
                endReason = "disconnected during AUTHENTICATE";
            }
        }
    }

    private static ManageSieveException failure(AuthFailure reason) {
        return switch (reason) {
            case INVALID_CREDENTIALS -> new ManageSieveException("Authentication failed");
            case MALFORMED -> new ManageSieveException("Malformed authentication message");
            case THROTTLED -> new ManageSieveException(ManageSieveException.TRYLATER, "Too many failed logins from your address, try again later");
            case UNAVAILABLE -> new ManageSieveException(ManageSieveException.TRYLATER, "Authentication is unavailable, try again later");
        };
    }

    /** RFC 5804 §2.11: the tag is echoed in a TAG response code. */
    private void noop(Arguments args) throws IOException, ManageSieveException {
        String tag = args.optionalString();
        args.end();
        if (tag == null) ok("Done");
        else reply("OK (TAG " + ManageSieveWriter.quoted(tag) + ") \"Done\"\r\n");
    }

    /** RFC 5804 §2.5. */
    private void haveSpace(Arguments args) throws IOException, ManageSieveException {
        String name = scriptName(args.string("a script name"));
        long size = args.number("a size");
        args.end();
        checkSpace(name, size);
        ok("Putscript would succeed");
    }

    private void checkSpace(String name, long size) throws ManageSieveException {
        if (size > settings.sieve().maxScriptBytes()) {
            throw new ManageSieveException(ManageSieveException.QUOTA_MAXSIZE, "Script too large, the limit is " + settings.sieve().maxScriptBytes() + " octets");
        }
        List<SieveScripts.Script> existing = scripts.list(account.id());
        boolean replaces = existing.stream().anyMatch(s -> s.name().equals(name));
        if (!replaces && existing.size() >= settings.maxScripts()) {
            throw new ManageSieveException(ManageSieveException.QUOTA_MAXSCRIPTS, "Too many scripts, the limit is " + settings.maxScripts());
        }
    }

    /** RFC 5804 §2.6: the script is compiled first; one that does not compile is refused with where and why. */
    private void putScript(Arguments args) throws IOException, ManageSieveException {
        String name = scriptName(args.string("a script name"));
        String content = args.string("the script");
        args.end();
        checkSpace(name, content.getBytes(StandardCharsets.UTF_8).length);
        compile(content);
        scripts.put(account.id(), name, content);
        uploads++;
        ok("Script stored");
    }

    private void checkScript(Arguments args) throws IOException, ManageSieveException {
        String content = args.string("the script");
        args.end();
        compile(content);
        ok("Script is valid");
    }

    private void compile(String content) throws ManageSieveException {
        if (content.getBytes(StandardCharsets.UTF_8).length > settings.sieve().maxScriptBytes()) {
            throw new ManageSieveException(ManageSieveException.QUOTA_MAXSIZE, "Script too large, the limit is " + settings.sieve().maxScriptBytes() + " octets");
        }
        try {
            Compiler.check(content, settings.sieve());
        } catch (SieveException e) {
            throw new ManageSieveException(e.describe());
        }
    }

    /** RFC 5804 §2.7: one line per script, the active one marked. */
    private void listScripts(Arguments args) throws IOException, ManageSieveException {
        args.end();
        for (SieveScripts.Script s : scripts.list(account.id())) {
            conn.write(ManageSieveWriter.quoted(s.name()) + (s.active() ? " ACTIVE" : "") + "\r\n");
        }
        ok("Listscripts completed");
    }

    /** RFC 5804 §2.8: "" makes no script active. */
    private void setActive(Arguments args) throws IOException, ManageSieveException {
        String name = args.string("a script name");
        args.end();
        if (name.isEmpty()) {
            scripts.setActive(account.id(), null);
            ok("No script is active");
            return;
        }
        existing(name);
        scripts.setActive(account.id(), name);
        ok("Script is active");
    }

    /** RFC 5804 §2.9: the script as a literal, then OK. */
    private void getScript(Arguments args) throws IOException, ManageSieveException {
        String name = args.string("a script name");
        args.end();
        SieveScripts.Script s = existing(name);
        conn.write(ManageSieveWriter.literal(s.content()) + "\r\n");
        ok("Getscript completed");
    }

    /** RFC 5804 §2.10: the active script cannot be deleted. */
    private void deleteScript(Arguments args) throws IOException, ManageSieveException {
        String name = args.string("a script name");
        args.end();
        if (existing(name).active()) throw new ManageSieveException(ManageSieveException.ACTIVE, "The active script cannot be deleted");
        scripts.delete(account.id(), name);
        ok("Script deleted");
    }

    /** RFC 5804 §2.11.1. */
    private void renameScript(Arguments args) throws IOException, ManageSieveException {
        String from = args.string("the old name");
        String to = scriptName(args.string("the new name"));
        args.end();
        existing(from);
        if (scripts.get(account.id(), to).isPresent()) throw new ManageSieveException(ManageSieveException.ALREADYEXISTS, "A script with that name exists");
        scripts.rename(account.id(), from, to);
        ok("Script renamed");
    }

    private SieveScripts.Script existing(String name) throws ManageSieveException {
        Optional<SieveScripts.Script> s = scripts.get(account.id(), name);
        return s.orElseThrow(() -> new ManageSieveException(ManageSieveException.NONEXISTENT, "No script by that name"));
    }

    /** RFC 5804 §1.6: not empty, no control characters, no line separators. */
    private static String scriptName(String name) throws ManageSieveException {
        if (name.isEmpty() || name.length() > MAX_NAME) throw new ManageSieveException("Script names are 1 to " + MAX_NAME + " characters");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029') {
                throw new ManageSieveException("Script names may not contain control characters");
            }
        }
        return name;
    }

    private void ok(String text) throws IOException {
        reply("OK " + ManageSieveWriter.quoted(text) + "\r\n");
    }

    private void bye(String code, String text) throws IOException {
        reply("BYE " + (code == null ? "" : "(" + code + ") ") + ManageSieveWriter.quoted(text) + "\r\n");
        done = true;
        endReason = text;
    }

    private void no(ManageSieveException e) throws IOException {
        errors++;
        if (errors >= settings.maxErrors()) {
            bye(null, "Too many errors");
            return;
        }
        reply(e.line());
    }

    /** One reply; flushed unless the client has already sent its next command. */
    private void reply(String text) throws IOException {
        conn.write(text);
        if (!conn.hasPendingInput()) conn.flush();
    }

    /** A command's arguments, taken in order, then "nothing left". */
    private static final class Arguments {
        private final List<Argument> list;
        private int next;

        Arguments(List<Argument> list) {
            this.list = list;
        }

        String string(String what) throws ManageSieveException {
            if (next >= list.size() || !list.get(next).string()) throw new ManageSieveException("Expected " + what + " as a string");
            return list.get(next++).value();
        }

        String optionalString() throws ManageSieveException {
            return next < list.size() ? string("a string") : null;
        }

        long number(String what) throws ManageSieveException {
            if (next >= list.size() || list.get(next).string()) throw new ManageSieveException("Expected " + what + " as a number");
            String v = list.get(next++).value();
            if (v.isEmpty() || v.length() > 12 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) throw new ManageSieveException("Expected " + what + " as a number");
            return Long.parseLong(v);
        }

        void end() throws ManageSieveException {
            if (next < list.size()) throw new ManageSieveException("Too many arguments: " + ClientText.printable(list.get(next).value()));
        }
    }
}
