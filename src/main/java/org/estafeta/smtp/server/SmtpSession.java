package org.estafeta.smtp.server;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLSession;
import org.estafeta.auth.Authenticator;
import org.estafeta.auth.SaslConversation;
import org.estafeta.auth.SaslMechanism;
import org.estafeta.delivery.Channel;
import org.estafeta.delivery.Inbound;
import org.estafeta.delivery.InboundEnvelope;
import org.estafeta.delivery.InboundMessage;
import org.estafeta.delivery.Refused;
import org.estafeta.delivery.Route;
import org.estafeta.net.ClientText;
import org.estafeta.net.Connection;
import org.estafeta.net.ShuttingDown;
import org.estafeta.net.Line;
import org.estafeta.smtp.ChunkSink;
import org.estafeta.smtp.DataReader;
import org.estafeta.smtp.MailPath;
import org.estafeta.smtp.Reply;
import org.estafeta.smtp.SmtpException;
import org.estafeta.smtp.Xtext;
import org.estafeta.store.Account;
import org.estafeta.store.MailOption;
import org.estafeta.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP conversation (RFC 5321) on its own virtual thread: greeting, then commands until QUIT,
 * a hang-up, the idle timeout or too many errors. Commands are checked against the session's progress
 * once, in {@link #dispatch}; each handler parses its arguments and then acts.
 */
final class SmtpSession {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    private static final Reply OK = Reply.of(250, "2.0.0", "Ok");
    private static final Reply LOCAL_ERROR = Reply.of(451, "4.3.0", "Error: local error in processing, try again later");
    private static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2", "Error: line too long");
    /** RFC 3629 §3 and RFC 6531 §3.3: commands are UTF-8 or ASCII; an overlong form or a lone byte is neither. */
    private static final Reply NOT_UTF8 = Reply.of(500, "5.5.2", "Error: the command is not valid UTF-8");
    /** RFC 6531 §3.7.4.1. */
    private static final SmtpException UTF8_WITHOUT_SMTPUTF8 =
            new SmtpException(553, "5.6.7", "Error: a UTF-8 address needs SMTPUTF8 on MAIL FROM (RFC 6531)");

    /** RFC 8689 §2, §4.1: a message that demands TLS from here on cannot have come in clear. */
    private static final SmtpException REQUIRETLS_WITHOUT_TLS =
            new SmtpException(530, "5.7.10", "Error: REQUIRETLS needs a TLS session; use STARTTLS first");

    /**
     * The envelope of the message being built: MAIL starts it; RSET, HELO, EHLO, STARTTLS and the end
     * of DATA or of the LAST BDAT chunk drop it (with any chunks received so far, unstored).
     */
    private static final class Transaction {
        final MailPath sender;
        /** RFC 3461 ENVID and RET, passed on with remote recipients; null when not given. */
        final String envelopeId, ret;
        /** SMTPUTF8, BODY=BINARYMIME, REQUIRETLS as given on MAIL FROM. */
        final Set<MailOption> options;
        final List<MailPath> recipients = new ArrayList<>();
        /** Each accepted recipient with its route, for the pipeline. */
        final List<InboundEnvelope.Recipient> routed = new ArrayList<>();
        /** RFC 3030: the message that BDAT chunks go into, open from the first chunk to the LAST one; null before. */
        InboundMessage chunked;
        ChunkSink chunks;

        Transaction(MailPath sender, String envelopeId, String ret, Set<MailOption> options) {
            this.sender = sender;
            this.envelopeId = envelopeId;
            this.ret = ret;
            this.options = options;
        }

        InboundEnvelope envelope() {
            return new InboundEnvelope(sender.address(), envelopeId, ret, routed, options);
        }
    }

    /** RFC 4954 §4: AUTH lines may be long (SCRAM, Kerberos); at least 12288 octets. */
    private static final int AUTH_LINE_LENGTH = 12288;

    private final String listenerName;
    private final SmtpRole role;
    private final Authenticator authenticator;
    private final Connection conn;
    private final SmtpSettings settings;
    /** The one way in for messages: routing, the sender check, the pipeline; also ETRN and ATRN. */
    private final Inbound inbound;
    /** The client is in net.lenient_networks (a person typing): LF.LF ends DATA, bare local parts, AUTH before TLS. */
    private final boolean lenient;
    /** The client is in smtp.relay_networks: may relay without AUTH. */
    private final boolean relayClient;

    /** The name given in HELO/EHLO; null until then and again after STARTTLS (RFC 3207 §4.2). */
    private String helo;
    /** EHLO rather than HELO: ESMTP parameters allowed, trace says ESMTP. */
    private boolean extended;
    private Transaction transaction;
    /** Who logged in with AUTH; null until then and again after STARTTLS. */
    private Account user;
    /** Error replies so far; at the limit the session ends with 421. */
    private int errors;
    private int messagesAccepted;
    private int recipientsAccepted;
    private boolean done;
    private String endReason = "disconnected";

    SmtpSession(String listenerName, SmtpRole role, Connection conn, SmtpSettings settings, Authenticator authenticator,
                Inbound inbound) {
        this.listenerName = listenerName;
        this.role = role;
        this.authenticator = authenticator;
        this.conn = conn;
        this.settings = settings;
        this.inbound = inbound;
        this.lenient = settings.lenientNetworks().contains(conn.remoteAddress());
        this.relayClient = settings.relayNetworks().contains(conn.remoteAddress());
    }

    void run() throws IOException {
        try {
            reply(Reply.of(220, null, settings.hostname() + " " + settings.banner()));
            // RFC 5321 §3.8: a server that must shut down answers 421, "asynchronously from command receipt" if need be.
            conn.onShutdown(Connection.GoodbyeTiming.AT_ONCE, () -> conn.write(Reply.of(421, "4.3.2", settings.hostname() + " shutting down").wire()));
            while (!done) {
                Line line = conn.readCommand(settings.limits().lineLength() + SmtpCommand.LONGEST_EXTENSION);
                if (line == null || line.ending() == Line.Ending.EOF) break;
                if (line.ending() == Line.Ending.TRUNCATED) {
                    conn.skipLine();
                    reply(LINE_TOO_LONG);
                    continue;
                }
                // RFC 5321 §4.5.3.1.4 counts the CRLF; a bare LF is counted as if it were one.
                if (line.bytes().length + 2 > settings.limits().lineLength() + SmtpCommand.extensionLength(line.text())) {
                    reply(LINE_TOO_LONG);
                    continue;
                }
                String text = ClientText.utf8(line.bytes());
                if (text == null) {
                    reply(NOT_UTF8);
                    continue;
                }
                dispatch(text);
            }
        } catch (SocketTimeoutException e) {
            endReason = "idle timeout";
            reply(Reply.of(421, "4.4.2", settings.hostname() + " Error: timeout exceeded"));
        } catch (ShuttingDown e) {
            endReason = "server shutting down";
        } finally {
            // The session's line first: the last flush meets a socket the client may have reset already.
            dropTransaction();
            log.info("{} {} session {} helo={} tls={} lenient={} relay={} user={} messages={} recipients={} errors={} end={}",
                    listenerName, conn.remoteAddress().getHostAddress(), conn.id(), helo, tlsDescription(), lenient, relayClient,
                    user == null ? null : user.address(),
                    messagesAccepted, recipientsAccepted, errors, endReason);
            conn.flush();
        }
    }

    private void dispatch(String line) throws IOException {
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        String args = space < 0 ? "" : line.substring(space + 1).strip();
        SmtpCommand command = SmtpCommand.of(verb);
        if (command == null) {
            reply(Reply.of(500, "5.5.1", "Error: command not recognized"));
            return;
        }
        Reply sequenceError = switch (command.needs) {
            case NOTHING -> null;
            case GREETING -> helo == null ? Reply.of(503, "5.5.1", "Error: send HELO/EHLO first") : null;
            case SENDER -> transaction == null ? Reply.of(503, "5.5.1", "Error: need MAIL command") : null;
            case RECIPIENT -> transaction == null || transaction.recipients.isEmpty()
                    ? Reply.of(503, "5.5.1", "Error: need RCPT command") : null;
        };
        if (sequenceError == null && role == SmtpRole.ODMR && !command.allowedOnOdmr()) {
            sequenceError = Reply.of(502, "5.5.1", "Error: command not available on the ODMR port");
        }
        if (sequenceError != null) {
            if (command == SmtpCommand.BDAT) skipChunk(args);
            reply(sequenceError);
            return;
        }
        try {
            reply(switch (command) {
                case HELO -> helo(args, false);
                case EHLO -> helo(args, true);
                case MAIL -> mail(args);
                case RCPT -> rcpt(args);
                case DATA -> data(args);
                case BDAT -> bdat(args);
                case RSET -> rset(args);
                case NOOP -> OK;
                case QUIT -> quit();
                case HELP -> help();
                case VRFY -> vrfy(args);
                case EXPN -> Reply.of(502, "5.5.1", "Error: EXPN is not available");
                case TURN -> Reply.of(502, "5.5.1", "Error: TURN is not supported, it cannot be authenticated (RFC 5321 §4.1.1.11)");
                case STARTTLS -> startTls(args);
                case ETRN -> etrn(args);
                case AUTH -> auth(args);
                case ATRN -> atrn(args);
            });
        } catch (SmtpException e) {
            reply(e.reply());
        } catch (RuntimeException e) {
            // The store or a bug, not the client: a temporary failure (RFC 3463 4.3.0), and the session goes on.
            log.error("{} {} session {}: {} failed", listenerName, conn.remoteAddress().getHostAddress(), conn.id(), command, e);
            reply(LOCAL_ERROR);
        }
    }

    private Reply helo(String args, boolean ehlo) throws SmtpException {
        String name = args.strip();
        // A bare "ehlo", as the ArGoSoft lab guide types it: a person typing gets the address literal (RFC 5321 §4.1.3).
        if (name.isEmpty() && lenient) name = addressLiteral(conn.remoteAddress());
        if (name.isEmpty() || name.contains(" ")) {
            throw new SmtpException(501, "5.5.4", "Syntax: " + (ehlo ? "EHLO" : "HELO") + " hostname");
        }
        helo = name;
        extended = ehlo;
        dropTransaction();
        String greeting = settings.hostname() + " Hello " + sanitize(name) + " [" + conn.remoteAddress().getHostAddress() + "]";
        if (!ehlo) return Reply.of(250, null, greeting);
        List<String> lines = new ArrayList<>();
        lines.add(greeting);
        lines.add("PIPELINING");
        lines.add("SIZE " + settings.limits().messageSize());
        lines.add("8BITMIME");
        lines.add("BINARYMIME");
        lines.add("CHUNKING");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("DSN");
        lines.add("ETRN");
        if (!conn.isTls() && settings.tls() != null) lines.add("STARTTLS");
        // RFC 8689 §2: only where the session itself is protected, after STARTTLS or on implicit TLS.
        if (conn.isTls()) lines.add("REQUIRETLS");
        if (role == SmtpRole.ODMR) lines.add("ATRN");
        if (authAllowed()) {
            StringBuilder auth = new StringBuilder("AUTH");
            for (SaslMechanism m : SaslMechanism.values()) auth.append(' ').append(m.saslName());
            lines.add(auth.toString());
        }
        lines.add("HELP");
        return new Reply(250, null, lines);
    }

    private Reply mail(String args) throws SmtpException {
        if (transaction != null) throw new SmtpException(503, "5.5.1", "Error: nested MAIL command");
        if (role == SmtpRole.SUBMISSION && user == null) throw new SmtpException(530, "5.7.0", "Authentication required");
        ArgParser p = new ArgParser(args);
        p.keyword("FROM");
        String path = p.path();
        Map<String, String> params = p.parameters();
        MailPath sender = MailPath.parse(completed(path), true, false, settings.hostname());
        if (!extended && !params.isEmpty()) throw new SmtpException(555, "5.5.4", "Error: parameters need EHLO");
        String envelopeId = null, ret = null;
        Set<MailOption> options = EnumSet.noneOf(MailOption.class);
        for (var param : params.entrySet()) {
            String value = param.getValue();
            switch (param.getKey()) {
                case "SIZE" -> {
                    // RFC 1870 §3: size-value ::= 1*20DIGIT; no sign, no spaces.
                    if (value == null || value.isEmpty() || value.length() > 20 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        throw new SmtpException(501, "5.5.4", "Error: SIZE needs a number");
                    }
                    // Twenty digits may overflow a long: that is over any limit too.
                    if (value.length() > 18 || Long.parseLong(value) > settings.limits().messageSize()) {
                        throw new SmtpException(552, "5.3.4", "Error: message size exceeds fixed limit of "
                                + settings.limits().messageSize() + " octets");
                    }
                }
                case "BODY" -> {
                    String body = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (body.equals("BINARYMIME")) options.add(MailOption.BINARYMIME);
                    else if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        throw new SmtpException(501, "5.5.4", "Error: BODY must be 7BIT, 8BITMIME or BINARYMIME");
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) throw new SmtpException(501, "5.5.4", "Error: SMTPUTF8 takes no value");
                    options.add(MailOption.SMTPUTF8);
                }
                case "REQUIRETLS" -> {
                    if (value != null) throw new SmtpException(501, "5.5.4", "Error: REQUIRETLS takes no value");
                    if (!conn.isTls()) throw REQUIRETLS_WITHOUT_TLS;
                    options.add(MailOption.REQUIRETLS);
                }
                case "RET" -> {
                    ret = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (!ret.equals("FULL") && !ret.equals("HDRS")) throw new SmtpException(501, "5.5.4", "Error: RET must be FULL or HDRS");
                }
                case "ENVID" -> {
                    if (value == null || value.isEmpty() || value.length() > 100 || !Xtext.isValid(value)) {
                        throw new SmtpException(501, "5.5.4", "Error: bad ENVID");
                    }
                    envelopeId = value;
                }
                default -> throw new SmtpException(555, "5.5.4", "Error: unsupported parameter " + sanitize(param.getKey()));
            }
        }
        if (!sender.isAscii() && !options.contains(MailOption.SMTPUTF8)) throw UTF8_WITHOUT_SMTPUTF8;
        // The null reverse-path is for notices the server makes itself (RFC 5321 §4.5.5), never a user's.
        if (user != null && sender.isNull()) throw new SmtpException(553, "5.7.1", "Error: a logged-in user cannot send with the null sender <>");
        if (user != null && settings.checkSender() && !owns(user, sender)) {
            throw new SmtpException(553, "5.7.1", sanitize(sender.toString()) + ": Sender address rejected: not owned by user " + user.address());
        }
        transaction = new Transaction(sender, envelopeId, ret, options);
        return Reply.of(250, "2.1.0", "Ok");
    }

    private Reply rcpt(String args) throws SmtpException {
        // The message is already being written for the recipients it has (RFC 3030 §2 puts BDAT after the envelope).
        if (transaction.chunked != null) throw new SmtpException(503, "5.5.1", "Error: RCPT after BDAT");
        if (transaction.recipients.size() >= settings.limits().recipients()) {
            return refusedRecipient(Reply.of(452, "4.5.3", "Error: too many recipients"));
        }
        ArgParser p = new ArgParser(args);
        p.keyword("TO");
        String path = p.path();
        Map<String, String> params = p.parameters();
        MailPath rcpt = MailPath.parse(completed(path), false, true, settings.primaryDomain());
        if (!rcpt.isAscii() && !transaction.options.contains(MailOption.SMTPUTF8)) throw UTF8_WITHOUT_SMTPUTF8;
        String notify = null, orcpt = null;
        for (var param : params.entrySet()) {
            String value = param.getValue() == null ? "" : param.getValue();
            switch (param.getKey()) {
                case "NOTIFY" -> notify = Xtext.notify(value);
                case "ORCPT" -> orcpt = Xtext.orcpt(value);
                default -> throw new SmtpException(555, "5.5.4", "Error: unsupported parameter " + sanitize(param.getKey()));
            }
        }
        Route route = inbound.route(rcpt.address());
        return switch (route) {
            case Route.Full full -> refusedRecipient(Reply.of(552, "5.2.2", sanitize(rcpt.toString()) + ": Mailbox full"));
            case Route.Local local -> {
                transaction.recipients.add(rcpt);
                transaction.routed.add(new InboundEnvelope.Recipient(rcpt.address(), notify, orcpt, local));
                yield Reply.of(250, "2.1.5", "Ok");
            }
            case Route.Unknown u -> refusedRecipient(Reply.of(550, "5.1.1",
                    sanitize(rcpt.toString()) + ": Recipient address rejected: User unknown in local recipient table"));
            case Route.Remote r -> {
                boolean heldForAtrn = settings.atrnDomains().containsKey(rcpt.domainKey());
                if (!mayRelay() && !heldForAtrn) yield refusedRecipient(Reply.of(554, "5.7.1", sanitize(rcpt.toString()) + ": Relay access denied"));
                transaction.recipients.add(rcpt);
                transaction.routed.add(new InboundEnvelope.Recipient(rcpt.address(), notify, orcpt, r));
                yield Reply.of(250, "2.1.5", "Ok");
            }
        };
    }

    /**
     * A recipient refused by policy (unknown, relay, full, too many), not for its syntax: the pipeline's
     * observers (metrics) count it as they count messages refused after their content.
     */
    private Reply refusedRecipient(Reply reply) {
        inbound.recipientRefused(channel(), new Refused(reply.code(), reply.enhanced(), String.join(" ", reply.lines())));
        return reply;
    }

    private Reply data(String args) throws IOException, SmtpException {
        if (!args.isEmpty()) throw new SmtpException(501, "5.5.4", "Syntax: DATA");
        // RFC 3030 §3: DATA after BDAT in one transaction is a sequence error; what was sent is dropped.
        if (transaction.chunked != null) {
            dropTransaction();
            throw new SmtpException(503, "5.5.1", "Error: DATA after BDAT in one transaction; the chunks are discarded");
        }
        if (transaction.options.contains(MailOption.BINARYMIME)) {
            throw new SmtpException(503, "5.5.1", "Error: BODY=BINARYMIME needs BDAT, not DATA (RFC 3030 §3)");
        }
        reply(Reply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
        Transaction tx = transaction;
        transaction = null;
        DataReader reader = new DataReader(conn, lenient, settings.limits().messageSize());
        try (InboundMessage message = inbound.open(tx.envelope(), channel())) {
            conn.beginTransfer(); // limits.min_data_rate from here to the end of the data
            DataReader.Outcome outcome = reader.copyTo(message);
            conn.endTransfer();
            return finish(tx, message, outcome, reader.size());
        }
    }

    /**
     * RFC 3030: {@code BDAT size [LAST]}. The chunk's octets follow the command line at once, so they
     * are read whatever the reply will be; taken as commands they could smuggle a second message. The
     * message is committed (and so fsynced) by the LAST chunk, before its 250, as after DATA.
     */
    private Reply bdat(String args) throws IOException, SmtpException {
        Chunk chunk = Chunk.parse(args);
        Transaction tx = transaction;
        if (tx.chunked == null) {
            tx.chunked = inbound.open(tx.envelope(), channel());
            tx.chunks = new ChunkSink(tx.chunked, tx.options.contains(MailOption.BINARYMIME), settings.limits().messageSize());
        }
        if (!conn.readExactly(chunk.size(), tx.chunks)) {
            dropTransaction();
            done = true;
            endReason = "disconnected during BDAT";
            return null;
        }
        if (tx.chunks.tooBig()) {
            dropTransaction();
            return tooBig();
        }
        if (!chunk.last()) return Reply.of(250, "2.0.0", "Ok: " + chunk.size() + " octets received");
        transaction = null;
        try (InboundMessage message = tx.chunked) {
            DataReader.Outcome outcome = tx.chunks.finish();
            // A last line without CRLF: most likely a size that did not match the data; store nothing half.
            if (outcome == DataReader.Outcome.COMPLETE && !tx.chunks.endsWithCrlf()) {
                return Reply.of(554, "5.6.0", "Error: the message does not end with CRLF; was a BDAT size wrong? Nothing was stored");
            }
            return finish(tx, message, outcome, tx.chunks.size());
        }
    }

    /** RFC 3030 §2: a BDAT refused for its place in the session still has its octets read, and discarded. */
    private void skipChunk(String args) throws IOException {
        try {
            if (!conn.readExactly(Chunk.parse(args).size(), OutputStream.nullOutputStream())) {
                done = true;
                endReason = "disconnected during BDAT";
            }
        } catch (SmtpException e) {
            // No size to skip: the line is answered as it stands.
        }
    }

    /** The arguments of BDAT: {@code chunk-size [SP end-marker]}, RFC 3030 §2. */
    private record Chunk(long size, boolean last) {
        static Chunk parse(String args) throws SmtpException {
            String[] parts = args.split(" +");
            boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
            // chunk-size ::= 1*DIGIT; more than 18 digits is over any limit.
            if (parts.length > 2 || (parts.length == 2 && !last) || parts[0].isEmpty() || parts[0].length() > 18
                    || !parts[0].chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new SmtpException(501, "5.5.4", "Syntax: BDAT size [LAST]");
            }
            return new Chunk(Long.parseLong(parts[0]), last);
        }
    }

    /** The end of DATA or of the LAST chunk: commit (blob and rows durable) and only then 250. */
    private Reply finish(Transaction tx, InboundMessage message, DataReader.Outcome outcome, long size) {
        switch (outcome) {
            case DISCONNECTED -> {
                done = true;
                endReason = "disconnected during DATA";
                return null;
            }
            case TOO_BIG -> {
                return tooBig();
            }
            case HAS_NUL -> {
                return Reply.of(554, "5.6.0", "Error: message contains NUL octets");
            }
            case COMPLETE -> { }
        }
        try {
            message.commit();
        } catch (Refused e) {
            return Reply.of(e.code(), e.enhancedCode(), "Error: " + sanitize(e.getMessage()));
        } catch (IOException | StoreException e) {
            log.error("{} {} session {}: cannot store message {}", listenerName, conn.remoteAddress().getHostAddress(), conn.id(), message.queueId(), e);
            return LOCAL_ERROR;
        }
        messagesAccepted++;
        recipientsAccepted += tx.recipients.size();
        log.info("{} {}: {} from={} to={} size={}", listenerName, conn.remoteAddress().getHostAddress(), message.queueId(),
                tx.sender, tx.recipients, size);
        return Reply.of(250, "2.0.0", "Ok: queued as " + message.queueId());
    }

    private Reply tooBig() {
        return Reply.of(552, "5.3.4", "Error: message too big, the limit is " + settings.limits().messageSize() + " octets");
    }

    /** Ends the transaction; chunks received for it are discarded, never stored. */
    private void dropTransaction() {
        if (transaction != null && transaction.chunked != null) transaction.chunked.close();
        transaction = null;
    }

    /** How this message arrives: submission when the port is for it, with the login and TLS state of the session. */
    private Channel channel() {
        Channel.Kind kind = role == SmtpRole.SUBMISSION ? Channel.Kind.SUBMISSION : Channel.Kind.MX;
        return Channel.smtp(kind, helo, conn.remoteAddress(), extended, conn.tlsSession(), user);
    }

    /** RFC 1985: start delivering what is queued for a domain. */
    private Reply etrn(String args) throws SmtpException {
        String node = args.startsWith("@") || args.startsWith("#") ? args.substring(1) : args;
        if (node.isEmpty() || node.contains(" ") || !MailPath.isDomainName(node)) throw new SmtpException(501, "5.5.4", "Syntax: ETRN domain");
        int n = inbound.flushDomain(node);
        return n == 0 ? Reply.of(251, "2.0.0", "OK no messages waiting for node " + sanitize(node))
                : Reply.of(253, "2.0.0", "OK " + n + " pending messages for node " + sanitize(node) + " started");
    }

    /**
     * RFC 2645: the authenticated customer takes the mail held for its domains (all of them, or the
     * comma-separated ones named) over this connection, with the roles of client and server reversed.
     */
    private Reply atrn(String args) throws IOException, SmtpException {
        if (role != SmtpRole.ODMR) throw new SmtpException(502, "5.5.1", "Error: ATRN is only available on the ODMR port");
        if (user == null) throw new SmtpException(530, "5.7.0", "Authentication required");
        List<String> domains = new ArrayList<>();
        if (args.isEmpty()) {
            settings.atrnDomains().forEach((domain, owner) -> {
                if (owner.equals(user.address())) domains.add(domain);
            });
        } else {
            for (String d : args.split(",")) domains.add(d.strip().toLowerCase(Locale.ROOT));
        }
        for (String d : domains) {
            if (!user.address().equals(settings.atrnDomains().get(d))) {
                throw new SmtpException(450, "4.7.1", "ATRN request refused for " + sanitize(d));
            }
        }
        if (domains.isEmpty()) throw new SmtpException(450, "4.7.1", "ATRN request refused: no domains for you");
        var pickup = inbound.claimForPickup(domains);
        if (pickup == null) throw new SmtpException(453, "4.7.0", "You have no mail");
        reply(Reply.of(250, "2.0.0", "OK now reversing the connection"));
        conn.flush();
        try {
            pickup.deliverOver(conn);
            endReason = "ATRN, " + pickup.recipients() + " recipient(s) for " + String.join(",", domains);
        } catch (IOException e) {
            endReason = "ATRN failed: " + e.getMessage();
        }
        done = true;
        return null;
    }

    /**
     * A bare local part ({@code mail from: motriles}, as the ArGoSoft lab guide types it) from a person
     * typing in net.lenient_networks takes the first served domain, as POP3 USER and IMAP LOGIN do;
     * from anyone else it stays a syntax error (RFC 5321 §4.1.2 wants a domain).
     */
    private String completed(String path) {
        if (!lenient || path.isEmpty() || path.indexOf('@') >= 0 || path.equalsIgnoreCase("postmaster")) return path;
        return path + "@" + settings.primaryDomain();
    }

    private static String addressLiteral(java.net.InetAddress address) {
        return address instanceof java.net.Inet6Address ? "[IPv6:" + address.getHostAddress() + "]" : "[" + address.getHostAddress() + "]";
    }

    /** Clients in the relay networks and authenticated users may send anywhere. */
    private boolean mayRelay() {
        return relayClient || user != null;
    }

    /** An authenticated user sends as an address that leads to their own account (itself, an alias, +tag). */
    private boolean owns(Account account, MailPath sender) {
        return inbound.owns(account, sender.address());
    }

    /** DESIGN.md: no password over a clear channel, except from net.lenient_networks. */
    private boolean authAllowed() {
        return user == null && (conn.isTls() || lenient);
    }

    /** RFC 4954. */
    private Reply auth(String args) throws IOException, SmtpException {
        if (user != null) throw new SmtpException(503, "5.5.1", "Error: already authenticated");
        if (transaction != null) throw new SmtpException(503, "5.5.1", "Error: AUTH not permitted during a mail transaction");
        if (!authAllowed()) throw new SmtpException(530, "5.7.0", "Must issue a STARTTLS command first");
        String[] parts = args.split(" +");
        if (args.isEmpty() || parts.length > 2) throw new SmtpException(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
        SaslMechanism mechanism = SaslMechanism.byName(parts[0])
                .orElseThrow(() -> new SmtpException(504, "5.5.4", "Unrecognized authentication type"));
        var outcome = SaslConversation.run(authenticator.start(mechanism, conn.remoteAddress()), parts.length > 1 ? parts[1] : null,
                challenge -> {
                    conn.write("334 " + challenge + "\r\n");
                    Line line = conn.readLine(AUTH_LINE_LENGTH);
                    if (line == null || line.ending() == Line.Ending.EOF) return null;
                    if (line.ending() == Line.Ending.TRUNCATED) {
                        conn.skipLine();
                        return "*";
                    }
                    return line.text();
                });
        return switch (outcome) {
            case SaslConversation.Outcome.Authenticated a -> {
                user = a.account();
                authenticator.sessions().add(user, conn);
                yield Reply.of(235, "2.7.0", "Authentication successful");
            }
            case SaslConversation.Outcome.Failed f -> switch (f.reason()) {
                case INVALID_CREDENTIALS -> Reply.of(535, "5.7.8", f.text("Error: authentication failed", lenient));
                case MALFORMED -> Reply.of(501, "5.5.2", "Error: malformed authentication data");
                case THROTTLED -> Reply.of(454, "4.7.0", "Error: too many failed authentications, try again later");
                case UNAVAILABLE -> Reply.of(454, "4.7.0", "Temporary authentication failure");
            };
            case SaslConversation.Outcome.Cancelled c -> Reply.of(501, "5.0.0", "Authentication cancelled");
            case SaslConversation.Outcome.BadEncoding b -> Reply.of(501, "5.5.2", "Error: cannot decode the base64 response");
            case SaslConversation.Outcome.Disconnected d -> {
                done = true;
                endReason = "disconnected during AUTH";
                yield null;
            }
        };
    }

    private Reply rset(String args) throws SmtpException {
        if (!args.isEmpty()) throw new SmtpException(501, "5.5.4", "Syntax: RSET");
        dropTransaction();
        return OK;
    }

    private Reply quit() {
        done = true;
        endReason = "QUIT";
        return Reply.of(221, "2.0.0", "Bye");
    }

    private Reply help() {
        return new Reply(214, "2.0.0", List.of(
                "Commands: HELO EHLO AUTH MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY EXPN STARTTLS ETRN",
                "See RFC 5321 for their syntax",
                "End of HELP info"));
    }

    private Reply vrfy(String args) throws SmtpException {
        if (args.isEmpty()) throw new SmtpException(501, "5.5.4", "Syntax: VRFY address");
        if (!settings.vrfyLocalUsers()) {
            return Reply.of(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery");
        }
        String text = args.startsWith("<") && args.endsWith(">") ? args.substring(1, args.length() - 1) : args;
        if (!text.contains("@")) text = text + "@" + settings.primaryDomain();
        MailPath path = MailPath.parse(text, false, true, settings.primaryDomain());
        return switch (inbound.route(path.address())) {
            case Route.Local l -> Reply.of(250, "2.1.5", sanitize(path.toString()));
            case Route.Full f -> Reply.of(250, "2.1.5", sanitize(path.toString()));
            case Route.Unknown u -> Reply.of(550, "5.1.1", sanitize(path.toString()) + ": User unknown");
            case Route.Remote r -> Reply.of(252, "2.5.2", "Cannot VRFY a remote user, but will accept message and attempt delivery");
        };
    }

    private Reply startTls(String args) throws IOException, SmtpException {
        if (!args.isEmpty()) throw new SmtpException(501, "5.5.4", "Syntax: STARTTLS");
        if (conn.isTls()) throw new SmtpException(503, "5.5.1", "Error: TLS already active");
        if (settings.tls() == null) throw new SmtpException(454, "4.7.0", "TLS not available");
        reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
        conn.flush();
        try {
            conn.startTls(settings.tls());
        } catch (IOException e) {
            done = true;
            endReason = "TLS handshake failed: " + e.getMessage();
            return null;
        }
        // RFC 3207 §4.2: forget everything learned before the handshake.
        helo = null;
        user = null;
        extended = false;
        dropTransaction();
        return null;
    }

    /** Writes a reply (null: nothing to say); counts errors and ends the session when there are too many. */
    private void reply(Reply reply) throws IOException {
        if (reply == null) return;
        conn.write(reply.wire());
        if (reply.isError() && reply.code() != 421) {
            errors++;
            if (errors >= settings.limits().errors()) {
                conn.write(Reply.of(421, "4.7.0", settings.hostname() + " Error: too many errors").wire());
                done = true;
                endReason = "too many errors";
            }
        }
        if (done) conn.flush();
    }

    private String tlsDescription() {
        SSLSession s = conn.tlsSession();
        return s == null ? "no" : s.getProtocol();
    }

    private static String sanitize(String s) {
        return ClientText.printable(s);
    }
}
