package org.estafeta.smtp.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLSession;
import org.estafeta.delivery.LocalDelivery;
import org.estafeta.delivery.QueueId;
import org.estafeta.delivery.ReceivedHeader;
import org.estafeta.delivery.RecipientResolver;
import org.estafeta.delivery.Resolution;
import org.estafeta.net.Connection;
import org.estafeta.net.Line;
import org.estafeta.smtp.DataReader;
import org.estafeta.smtp.MailPath;
import org.estafeta.smtp.Reply;
import org.estafeta.smtp.SmtpException;
import org.estafeta.store.Blob;
import org.estafeta.store.Blobs;
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

    /** The envelope of the message being built: MAIL starts it; RSET, HELO, EHLO, STARTTLS and DATA's end drop it. */
    private static final class Transaction {
        final MailPath sender;
        final List<MailPath> recipients = new ArrayList<>();
        /** Local accounts the recipients resolved to, each once. */
        final Set<Long> accountIds = new LinkedHashSet<>();

        Transaction(MailPath sender) {
            this.sender = sender;
        }
    }

    private final String listenerName;
    private final Connection conn;
    private final SmtpSettings settings;
    private final RecipientResolver resolver;
    private final LocalDelivery delivery;
    private final Blobs blobs;
    /** The client is in smtp.relay_networks: may relay and end DATA with LF.LF. */
    private final boolean trusted;

    /** The name given in HELO/EHLO; null until then and again after STARTTLS (RFC 3207 §4.2). */
    private String helo;
    /** EHLO rather than HELO: ESMTP parameters allowed, trace says ESMTP. */
    private boolean extended;
    private Transaction transaction;
    /** Error replies so far; at the limit the session ends with 421. */
    private int errors;
    private int messagesAccepted;
    private int recipientsAccepted;
    private boolean done;
    private String endReason = "disconnected";

    SmtpSession(String listenerName, Connection conn, SmtpSettings settings, RecipientResolver resolver,
                LocalDelivery delivery, Blobs blobs) {
        this.listenerName = listenerName;
        this.conn = conn;
        this.settings = settings;
        this.resolver = resolver;
        this.delivery = delivery;
        this.blobs = blobs;
        this.trusted = conn.remoteIn(settings.trustedNetworks());
    }

    void run() throws IOException {
        try {
            reply(Reply.of(220, null, settings.hostname() + " " + settings.banner()));
            while (!done) {
                Line line = conn.readLine(settings.limits().lineLength());
                if (line == null || line.ending() == Line.Ending.EOF) break;
                if (line.ending() == Line.Ending.TRUNCATED) {
                    conn.skipLine();
                    reply(Reply.of(500, "5.5.6", "Error: line too long"));
                    continue;
                }
                dispatch(line.text());
            }
        } catch (SocketTimeoutException e) {
            endReason = "idle timeout";
            reply(Reply.of(421, "4.4.2", settings.hostname() + " Error: timeout exceeded"));
        } finally {
            conn.flush();
            log.info("{} {} helo={} tls={} trusted={} messages={} recipients={} errors={} end={}",
                    listenerName, conn.remoteAddress().getHostAddress(), helo, tlsDescription(), trusted,
                    messagesAccepted, recipientsAccepted, errors, endReason);
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
        if (sequenceError != null) {
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
                case RSET -> rset(args);
                case NOOP -> OK;
                case QUIT -> quit();
                case HELP -> help();
                case VRFY -> vrfy(args);
                case EXPN -> Reply.of(502, "5.5.1", "Error: EXPN is not available");
                case TURN -> Reply.of(502, "5.5.1", "Error: TURN is not supported, it cannot be authenticated (RFC 5321 §4.1.1.11)");
                case STARTTLS -> startTls(args);
            });
        } catch (SmtpException e) {
            reply(e.reply());
        }
    }

    private Reply helo(String args, boolean ehlo) throws SmtpException {
        String name = args.strip();
        if (name.isEmpty() || name.contains(" ")) {
            throw new SmtpException(501, "5.5.4", "Syntax: " + (ehlo ? "EHLO" : "HELO") + " hostname");
        }
        helo = name;
        extended = ehlo;
        transaction = null;
        String greeting = settings.hostname() + " Hello " + sanitize(name) + " [" + conn.remoteAddress().getHostAddress() + "]";
        if (!ehlo) return Reply.of(250, null, greeting);
        List<String> lines = new ArrayList<>();
        lines.add(greeting);
        lines.add("PIPELINING");
        lines.add("SIZE " + settings.limits().messageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        if (!conn.isTls() && settings.tls() != null) lines.add("STARTTLS");
        lines.add("HELP");
        return new Reply(250, null, lines);
    }

    private Reply mail(String args) throws SmtpException {
        if (transaction != null) throw new SmtpException(503, "5.5.1", "Error: nested MAIL command");
        ArgParser p = new ArgParser(args);
        p.keyword("FROM");
        String path = p.path();
        Map<String, String> params = p.parameters();
        MailPath sender = MailPath.parse(path, true, false, settings.hostname());
        if (!extended && !params.isEmpty()) throw new SmtpException(555, "5.5.4", "Error: parameters need EHLO");
        for (var param : params.entrySet()) {
            String value = param.getValue();
            switch (param.getKey()) {
                case "SIZE" -> {
                    long size;
                    try {
                        size = Long.parseLong(value == null ? "" : value);
                    } catch (NumberFormatException e) {
                        throw new SmtpException(501, "5.5.4", "Error: SIZE needs a number");
                    }
                    if (size > settings.limits().messageSize()) {
                        throw new SmtpException(552, "5.3.4", "Error: message size exceeds fixed limit of "
                                + settings.limits().messageSize() + " octets");
                    }
                }
                case "BODY" -> {
                    String body = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        throw new SmtpException(501, "5.5.4", "Error: BODY must be 7BIT or 8BITMIME");
                    }
                }
                default -> throw new SmtpException(555, "5.5.4", "Error: unsupported parameter " + sanitize(param.getKey()));
            }
        }
        transaction = new Transaction(sender);
        return Reply.of(250, "2.1.0", "Ok");
    }

    private Reply rcpt(String args) throws SmtpException {
        if (transaction.recipients.size() >= settings.limits().recipients()) {
            throw new SmtpException(452, "4.5.3", "Error: too many recipients");
        }
        ArgParser p = new ArgParser(args);
        p.keyword("TO");
        String path = p.path();
        Map<String, String> params = p.parameters();
        MailPath rcpt = MailPath.parse(path, false, true, settings.primaryDomain());
        if (!params.isEmpty()) {
            throw new SmtpException(555, "5.5.4", "Error: unsupported parameter " + sanitize(params.keySet().iterator().next()));
        }
        return switch (resolver.resolve(rcpt.address())) {
            case Resolution.Local local -> {
                transaction.recipients.add(rcpt);
                transaction.accountIds.addAll(local.accountIds());
                yield Reply.of(250, "2.1.5", "Ok");
            }
            case Resolution.UnknownUser u -> Reply.of(550, "5.1.1",
                    sanitize(rcpt.toString()) + ": Recipient address rejected: User unknown in local recipient table");
            case Resolution.Remote r -> trusted
                    ? Reply.of(550, "5.7.1", sanitize(rcpt.toString()) + ": Relaying is not enabled on this server")
                    : Reply.of(554, "5.7.1", sanitize(rcpt.toString()) + ": Relay access denied");
        };
    }

    private Reply data(String args) throws IOException, SmtpException {
        if (!args.isEmpty()) throw new SmtpException(501, "5.5.4", "Syntax: DATA");
        reply(Reply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
        Transaction tx = transaction;
        transaction = null;
        String id = QueueId.next();
        DataReader reader = new DataReader(conn, trusted, settings.limits().messageSize());
        StorageSink sink = new StorageSink(blobs);
        sink.write(trace(tx, id));
        DataReader.Outcome outcome = reader.copyTo(sink);
        switch (outcome) {
            case DISCONNECTED -> {
                sink.discard();
                done = true;
                endReason = "disconnected during DATA";
                return null;
            }
            case TOO_BIG -> {
                sink.discard();
                return Reply.of(552, "5.3.4", "Error: message too big, the limit is " + settings.limits().messageSize() + " octets");
            }
            case COMPLETE -> { }
        }
        try {
            Blob blob = sink.finish();
            delivery.deliver(blob, List.copyOf(tx.accountIds));
        } catch (IOException | StoreException e) {
            log.error("{} {}: cannot store message {}", listenerName, conn.remoteAddress().getHostAddress(), id, e);
            return Reply.of(451, "4.3.0", "Error: local error in processing, try again later");
        }
        messagesAccepted++;
        recipientsAccepted += tx.recipients.size();
        log.info("{} {}: {} from={} to={} size={}", listenerName, conn.remoteAddress().getHostAddress(), id,
                tx.sender, tx.recipients, reader.size());
        return Reply.of(250, "2.0.0", "Ok: queued as " + id);
    }

    private byte[] trace(Transaction tx, String id) {
        SSLSession tls = conn.tlsSession();
        var channel = new ReceivedHeader.Channel(extended, tls != null, false,
                tls == null ? null : tls.getProtocol(), tls == null ? null : tls.getCipherSuite());
        String header = ReceivedHeader.trace(tx.sender.address(), helo, conn.remoteAddress().getHostAddress(),
                settings.hostname(), channel, id, tx.recipients.size() == 1 ? tx.recipients.getFirst().address() : null,
                ZonedDateTime.now());
        return header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Reply rset(String args) throws SmtpException {
        if (!args.isEmpty()) throw new SmtpException(501, "5.5.4", "Syntax: RSET");
        transaction = null;
        return OK;
    }

    private Reply quit() {
        done = true;
        endReason = "QUIT";
        return Reply.of(221, "2.0.0", "Bye");
    }

    private Reply help() {
        return new Reply(214, "2.0.0", List.of(
                "Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT HELP VRFY EXPN STARTTLS",
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
        return switch (resolver.resolve(path.address())) {
            case Resolution.Local l -> Reply.of(250, "2.1.5", sanitize(path.toString()));
            case Resolution.UnknownUser u -> Reply.of(550, "5.1.1", sanitize(path.toString()) + ": User unknown");
            case Resolution.Remote r -> Reply.of(252, "2.5.2", "Cannot VRFY a remote user, but will accept message and attempt delivery");
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
        extended = false;
        transaction = null;
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

    /** Client text echoed in a reply: printable ASCII only, so no reply can be split or forged. */
    private static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 256));
        for (int i = 0; i < s.length() && i < 256; i++) {
            char c = s.charAt(i);
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }

    /**
     * Where DATA goes: a new blob. If storage fails mid-message the client's data is still read to the
     * end (so the session stays in step) and the failure is reported with 451 afterwards.
     */
    private static final class StorageSink extends OutputStream {
        private Blobs.BlobWriter writer;
        private IOException failure;

        StorageSink(Blobs blobs) {
            try {
                writer = blobs.create();
            } catch (IOException e) {
                failure = e;
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (failure != null) return;
            try {
                writer.write(b, off, len);
            } catch (IOException e) {
                failure = e;
                discard();
            }
        }

        Blob finish() throws IOException {
            if (failure != null) throw failure;
            return writer.finish();
        }

        void discard() {
            if (writer == null) return;
            try {
                writer.close();
            } catch (IOException ignored) {
                // discarding; the original failure, if any, is what counts
            }
        }
    }
}
