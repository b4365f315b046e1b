package org.estafeta.delivery;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.estafeta.mime.Headers;
import org.estafeta.mime.MailDate;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.mime.Summaries;
import org.estafeta.store.Blob;
import org.estafeta.store.Blobs;
import org.estafeta.store.Envelope;
import org.estafeta.store.Filing;
import org.estafeta.store.Intake;
import org.estafeta.store.MailOption;
import org.estafeta.store.MessageSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One arriving message: the content is written in (CRLF line ends, as received), then {@link #commit}
 * runs the pipeline's steps in order and returns once the message is durable for every recipient, or
 * throws and nobody has it. {@link #close} without a commit drops it.
 *
 * <p>Commit: loop checks, the sender check, submission header completion, arrival verdicts, the quota,
 * then the blob is written in one pass that also parses it (structure and summary), the filter runs per
 * local account, and local copies and queue entries go in one transaction.
 */
public final class InboundMessage extends OutputStream {

    private static final Logger log = LoggerFactory.getLogger(InboundMessage.class);
    private static final byte[] CRLF = {'\r', '\n'};

    private final Inbound inbound;
    private final InboundEnvelope envelope;
    final Channel channel;
    private final String queueId = QueueId.next();
    private final ZonedDateTime arrival = ZonedDateTime.now();
    private final Spool spool;
    private final HeaderScan header;
    private IOException failure;
    private boolean closed;
    /** The IMAP internal date of the local copies: the arrival, or what an import or APPEND says. */
    private java.time.Instant internalDate = arrival.toInstant();
    /** Where the local copies went, once committed. */
    private List<Intake.Filed> filed;

    InboundMessage(Inbound inbound, InboundEnvelope envelope, Channel channel) {
        this.inbound = inbound;
        this.envelope = envelope;
        this.channel = channel;
        this.spool = new Spool(inbound.settings.spool());
        this.header = new HeaderScan(inbound.settings.headerSize());
    }

    /** The id in the trace header, the logs and the 250 reply. */
    public String queueId() {
        return queueId;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Never throws for a storage failure, so the caller reads the client's data to its end; commit reports it. */
    @Override
    public void write(byte[] b, int off, int len) {
        if (failure != null) return;
        header.feed(b, off, len);
        try {
            spool.write(b, off, len);
        } catch (IOException e) {
            failure = e;
        }
    }

    /** The internal date of the stored copies (RFC 9051 §2.3.3), for messages that arrived elsewhere first. */
    public InboundMessage dated(java.time.Instant date) {
        this.internalDate = date;
        return this;
    }

    /** Octets of content written so far. */
    public long size() {
        return spool.size();
    }

    /**
     * Runs the pipeline and returns the queue id once the message is committed.
     *
     * @throws Refused the message is refused (loop, forged sender, a verdict, quota, filters); nobody has it
     * @throws IOException storage failed; nobody has it (451 for SMTP)
     */
    public String commit() throws Refused, IOException {
        long started = System.nanoTime();
        Prepared p;
        try {
            p = prepare();
        } catch (Refused r) {
            for (Inbound.Observer o : inbound.observers) o.refused(channel, r);
            throw r;
        }
        finish(p, inbound.intake.acceptAll(List.of(p.arrival())).getFirst());
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);
        for (Inbound.Observer o : inbound.observers) o.accepted(channel, took);
        return queueId;
    }

    /** The UIDs of the local copies once committed, in the order they were filed (APPENDUID, RFC 4315). */
    public List<Long> uids() {
        if (filed == null) throw new IllegalStateException("not committed");
        return filed.stream().map(Intake.Filed::uid).toList();
    }

    /** The content written so far, as written. */
    public InputStream content() throws IOException {
        return spool.open();
    }

    /** A message ready for its transaction: its rows, and what is sent once they are committed. */
    record Prepared(Intake.Arrival arrival, Blob blob, Map<String, Filing> filings, List<RecipientFilter.Reply> replies,
                    List<String> rejections) {
    }

    /** Every step before the transaction: checks, the blob (fsynced), structure, filters; throws as {@link #commit} does. */
    Prepared prepare() throws Refused, IOException {
        if (failure != null) throw failure;
        header.close();
        if (channel.live() && header.end() < 0) {
            // A header not read whole could hide what the checks look for: a forged Authentication-Results
            // in our name (RFC 8601 §5), the Received fields of a loop. Postfix truncates; we refuse.
            throw new Refused(552, "5.3.4", "header section longer than " + inbound.settings.headerSize() + " octets (limits.header_size)");
        }
        Headers headers = header.headers();
        Arrived arrived = new Arrived(headers, spool, null, null);
        checkLoops(headers);
        checkAuthor(headers);
        String added = channel.completesHeaders() ? missingFields(headers) : "";

        StringBuilder prefix = new StringBuilder();
        List<Headers.Field> removed = new ArrayList<>();
        boolean junk = false;
        for (ArrivalCheck check : channel.filedByCaller() ? List.<ArrivalCheck>of() : inbound.checks) {
            ArrivalCheck.Verdict v;
            try {
                v = check.check(envelope, channel, arrived);
            } catch (RuntimeException e) {
                // A broken check must not lose mail: the message goes on as if unchecked.
                log.error("{}: arrival check {} failed", queueId, check.getClass().getSimpleName(), e);
                continue;
            }
            if (v.refusal() != null) throw new Refused(v.refusal().code(), v.refusal().enhancedCode(), v.refusal().text());
            v.prepend().forEach(prefix::append);
            removed.addAll(v.remove());
            junk |= v.junk();
        }
        Layout layout = layout(added, removed);
        prefix.append(signature(layout));
        String trace = trace();
        byte[] prefixBytes = (trace + prefix + receivedLine()).getBytes(StandardCharsets.UTF_8);
        long storedSize = prefixBytes.length + layout.extra() + spool.size();
        checkQuota(storedSize);

        Blob blob;
        MimePart root;
        try (Blobs.BlobWriter w = inbound.blobs.create(); InputStream stored = stored(prefixBytes, layout, w)) {
            root = MimeParser.parse(stored, inbound.settings.mimeParts());
            stored.transferTo(OutputStream.nullOutputStream());
            blob = w.finish();
        }
        MessageSummary summary = Summaries.of(root, blob.size());
        return plan(blob, new Arrived(headers, spool, root, summary), junk);
    }

    /** After the transaction: counts, wakes the queue, sends notices and filter replies. */
    void finish(Prepared p, List<Intake.Filed> copies) {
        this.filed = List.copyOf(copies);
        inbound.accepted(!p.arrival().outgoing().isEmpty());
        afterCommit(p.blob(), p.filings(), p.replies(), p.rejections());
    }

    /** The Return-Path and the forwarding Delivered-To fields (the Received line is separate: it goes below the verdicts). */
    private String trace() {
        if (channel.kind() == Channel.Kind.GENERATED) return "Return-Path: <>\r\n";
        if (!channel.live()) return "";
        StringBuilder sb = new StringBuilder("Return-Path: <").append(clean(envelope.sender())).append(">\r\n");
        for (InboundEnvelope.Recipient r : envelope.recipients()) {
            if (r.route() instanceof Route.Local l && !l.forwards().isEmpty()) sb.append("Delivered-To: ").append(clean(r.address())).append("\r\n");
        }
        return sb.toString();
    }

    private String receivedLine() {
        if (!channel.live()) return "";
        String full = ReceivedHeader.trace(envelope.sender(), channel, inbound.settings.hostname(), queueId,
                envelope.recipients().size() == 1 ? envelope.recipients().getFirst().address() : null, arrival);
        return full.substring(full.indexOf("Received:"));
    }

    /**
     * RFC 5321 §6.3: a message that has passed too many hops, or comes back to an alias it was already
     * forwarded from (its Delivered-To), is in a loop and is refused rather than sent round again.
     */
    private void checkLoops(Headers headers) throws Refused {
        if (!channel.live()) return;
        if (headers.all("Received").size() >= inbound.settings.maxHops()) {
            throw new Refused(554, "5.4.6", "too many hops (" + inbound.settings.maxHops() + " Received fields): mail loop?");
        }
        Set<String> deliveredTo = new LinkedHashSet<>();
        for (String d : headers.all("Delivered-To")) deliveredTo.add(d.strip().toLowerCase(Locale.ROOT));
        for (InboundEnvelope.Recipient r : envelope.recipients()) {
            if (r.route() instanceof Route.Local l && !l.forwards().isEmpty() && deliveredTo.contains(r.address().toLowerCase(Locale.ROOT))) {
                throw new Refused(554, "5.4.6", "mail forwarding loop for " + clean(r.address()));
            }
        }
    }

    /** A logged-in user's message names only addresses of theirs as its author (From) and sender (Sender). */
    private void checkAuthor(Headers headers) throws Refused {
        if (channel.account() == null || !inbound.settings.checkSender()) return;
        List<MessageSummary.Address> authors = new ArrayList<>(Summaries.addresses(headers.get("From")));
        authors.addAll(Summaries.addresses(headers.get("Sender")));
        for (MessageSummary.Address a : authors) {
            if (a.address() == null || !inbound.owns(channel.account(), a.address())) {
                throw new Refused(553, "5.7.1", "header address " + clean(String.valueOf(a.address())) + " not owned by user "
                        + channel.account().address());
            }
        }
    }

    /** RFC 6409 §8.1, §8.3: the Date and Message-ID a submitting client left out. */
    private String missingFields(Headers headers) {
        StringBuilder sb = new StringBuilder();
        if (headers.get("Date") == null) sb.append("Date: ").append(MailDate.format(arrival)).append("\r\n");
        if (headers.get("Message-ID") == null) {
            sb.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(inbound.settings.hostname()).append(">\r\n");
        }
        return sb.toString();
    }

    /**
     * How the header section changes: the fields a verdict removed (by their place in the header the
     * scan kept, which is the content up to {@code at}), and the added fields with what else the
     * content needs there: the end of the header section (RFC 5322 §2.2), a line end if the last field
     * had none, and the empty line a hand-typed message left out before its body. Imported and
     * generated messages are stored as they are.
     */
    private record Layout(long at, byte[] header, byte[] insert) {
        static final Layout NONE = new Layout(0, new byte[0], new byte[0]);

        long extra() {
            return header.length + insert.length - at;
        }

        boolean changes() {
            return this != NONE;
        }
    }

    private Layout layout(String added, List<Headers.Field> removed) throws IOException {
        long end = header.end();
        if (!channel.live() || end < 0) return Layout.NONE;
        StringBuilder insert = new StringBuilder();
        if (end > 0 && lastByteBefore(end) != '\n') insert.append("\r\n");
        insert.append(added);
        if (!header.hasEmptyLine() && end < spool.size()) insert.append("\r\n");
        if (insert.isEmpty() && removed.isEmpty()) return Layout.NONE;
        byte[] raw = header.headers().raw();
        var kept = new java.io.ByteArrayOutputStream(raw.length);
        int from = 0;
        for (Headers.Field f : removed.stream().sorted(java.util.Comparator.comparingInt(Headers.Field::start)).toList()) {
            if (f.start() < from) continue;
            kept.write(raw, from, f.start() - from);
            from = f.end();
        }
        kept.write(raw, from, raw.length - from);
        return new Layout(end, kept.toByteArray(), insert.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * RFC 6376: what our own users send is signed here, once, as it will be stored and relayed (with
     * the Date and Message-ID completed above), so that every copy and every retry carries the same
     * signature and mail that merely passes through (forwards, bounces) is never signed in our name.
     */
    private String signature(Layout layout) {
        MessageSigner signer = inbound.signer;
        if (signer == null || !channel.completesHeaders() || channel.account() == null) return "";
        try (InputStream content = content(layout)) {
            return signer.sign(content);
        } catch (IOException | RuntimeException e) {
            // The message still goes out; unsigned it may be filed as spam, which is better than lost.
            log.error("{}: cannot sign the message, sending it unsigned", queueId, e);
            return "";
        }
    }

    private int lastByteBefore(long offset) throws IOException {
        try (InputStream in = spool.open()) {
            in.skipNBytes(offset - 1);
            return in.read();
        }
    }

    private void checkQuota(long size) throws Refused {
        if (channel.kind() == Channel.Kind.GENERATED) return;
        // The accounts' own quotas came with RCPT's account lookup: only the usage is read here.
        Map<Long, java.util.OptionalLong> accounts = new LinkedHashMap<>();
        for (InboundEnvelope.Recipient r : envelope.recipients()) {
            if (r.route() instanceof Route.Local l) l.targets().forEach(t -> accounts.putIfAbsent(t.accountId(), l.quotas().get(t.accountId())));
        }
        for (var e : accounts.entrySet()) {
            long account = e.getKey();
            boolean fits = e.getValue() == null ? inbound.quota.allows(account, size) : inbound.quota.allows(account, e.getValue(), size);
            if (!fits) {
                throw new Refused(552, "5.2.2", "mailbox full, the message would exceed the recipient's quota");
            }
        }
    }

    /**
     * The bytes as stored: prefix, content with the layout's changes, passing through {@code blob} as
     * they are read, so the parser and the blob see one stream and the content is read once.
     */
    private InputStream stored(byte[] prefix, Layout layout, OutputStream blob) throws IOException {
        return new Tee(new SequenceInputStream(new ByteArrayInputStream(prefix), content(layout)), blob);
    }

    /** The content with the layout's changes: the header as kept, the insertion, then the rest from the spool. */
    private InputStream content(Layout layout) throws IOException {
        InputStream content = spool.open();
        if (!layout.changes()) return content;
        content.skipNBytes(layout.at());
        return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(layout.header()),
                new ByteArrayInputStream(layout.insert()), content)));
    }

    /** Filter per local account: the local copies and queue entries of the one transaction. */
    private Prepared plan(Blob blob, Arrived message, boolean junk) throws Refused {
        Map<String, Filing> filings = new LinkedHashMap<>();
        Set<String> forwards = new LinkedHashSet<>();
        List<Envelope.Recipient> remote = new ArrayList<>();
        List<RecipientFilter.Reply> replies = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        Set<Long> filtered = new LinkedHashSet<>();
        for (InboundEnvelope.Recipient r : envelope.recipients()) {
            switch (r.route()) {
                case Route.Remote rem -> remote.add(Inbound.queued(r));
                case Route.Local l -> {
                    forwards.addAll(l.forwards());
                    for (Filing target : l.targets()) {
                        if (!filtered.add(target.accountId())) continue;
                        Filing keep = junk ? new Filing(target.accountId(), "Junk", target.flags(), target.keywords()) : target;
                        RecipientFilter.Decision d = decide(new RecipientFilter.Context(target.accountId(), r.address(), envelope,
                                channel, message, keep));
                        if (d.reject() != null) {
                            rejections.add(r.address() + ": " + d.reject());
                            continue;
                        }
                        for (Filing f : d.filings()) filings.putIfAbsent(target.accountId() + "/" + f.mailbox(),
                                new Filing(target.accountId(), f.mailbox(), f.flags(), f.keywords()));
                        forwards.addAll(d.redirects());
                        replies.addAll(d.replies());
                    }
                }
                default -> throw new IllegalStateException("undeliverable route " + r.route());
            }
        }
        if (filings.isEmpty() && forwards.isEmpty() && remote.isEmpty() && !rejections.isEmpty()) {
            throw new Refused(550, "5.7.1", clean(String.join("; ", rejections)));
        }
        List<Intake.Outgoing> outgoing = new ArrayList<>();
        if (!remote.isEmpty()) {
            outgoing.add(new Intake.Outgoing(queueId, new Envelope(envelope.sender(), envelope.envelopeId(), envelope.ret(), remote,
                    nextHopOptions(message.headers()))));
        }
        if (!forwards.isEmpty()) {
            // A forward leaves under our name (SRS) so SPF at the next hop passes; a bounce keeps the null path.
            String sender = envelope.sender().isEmpty() ? "" : inbound.srs.forward(envelope.sender());
            // RFC 8689 §6: a forward (a reorigination) keeps what the sender asked of the transport.
            outgoing.add(new Intake.Outgoing(QueueId.next(), new Envelope(sender, null, null,
                    forwards.stream().map(f -> new Envelope.Recipient(f, null, null)).toList(), nextHopOptions(message.headers()))));
        }
        return new Prepared(new Intake.Arrival(blob, internalDate, List.copyOf(filings.values()), outgoing, message.summary()), blob, filings,
                replies, rejections);
    }

    /**
     * What the queue keeps for the next hop: BODY=BINARYMIME and REQUIRETLS as given on MAIL FROM, or,
     * without REQUIRETLS, {@code TLS-Required: No} from the header (RFC 8689 §4.1: with REQUIRETLS the
     * field is ignored).
     */
    private Set<MailOption> nextHopOptions(Headers headers) {
        Set<MailOption> options = EnumSet.noneOf(MailOption.class);
        if (envelope.options().contains(MailOption.BINARYMIME)) options.add(MailOption.BINARYMIME);
        if (envelope.options().contains(MailOption.REQUIRETLS)) options.add(MailOption.REQUIRETLS);
        else if (headers.all("TLS-Required").stream().anyMatch(v -> v.strip().equalsIgnoreCase("No"))) options.add(MailOption.TLS_OPTIONAL);
        return options;
    }

    private RecipientFilter.Decision decide(RecipientFilter.Context context) {
        if (channel.filedByCaller()) return RecipientFilter.Decision.keep(context.keep());
        try {
            return inbound.filter.decide(context);
        } catch (RuntimeException e) {
            // RFC 5228 §2.10.6: when a script fails, the message is kept.
            log.error("{}: filter failed for account {}, keeping the message", queueId, context.accountId(), e);
            return RecipientFilter.Decision.keep(context.keep());
        }
    }

    /** Notices the message asked for or the filters made; the message itself is already safe. */
    private void afterCommit(Blob blob, Map<String, Filing> filings, List<RecipientFilter.Reply> replies, List<String> rejections) {
        String host = inbound.settings.hostname();
        for (RecipientFilter.Reply r : replies) inbound.submitGeneratedQuietly(queueId, r.message(), r.to(), "filter reply");
        if (envelope.sender().isEmpty()) return;
        var subject = new DsnMessage.Subject(queueId, envelope.sender(), envelope.envelopeId(), envelope.ret(), arrival.toInstant());
        // RFC 3461 NOTIFY=SUCCESS for recipients delivered here.
        List<DsnMessage.Recipient> delivered = envelope.recipients().stream()
                .filter(r -> r.route() instanceof Route.Local && r.wants("SUCCESS") && !filings.isEmpty())
                .map(r -> new DsnMessage.Recipient(r.address(), r.orcpt(), "2.0.0 delivered to mailbox", null, null)).toList();
        notice(blob, DsnMessage.Action.DELIVERED, subject, delivered, host, "delivery notice");
        // RFC 5429 §2.1: a refusal that could not be given in SMTP goes back as a DSN.
        List<DsnMessage.Recipient> refused = rejections.stream()
                .map(text -> new DsnMessage.Recipient(text.substring(0, text.indexOf(": ")), null, "5.7.1 " + text, null, null)).toList();
        notice(blob, DsnMessage.Action.FAILED, subject, refused, host, "rejection notice");
    }

    private void notice(Blob blob, DsnMessage.Action action, DsnMessage.Subject subject, List<DsnMessage.Recipient> recipients,
                        String host, String what) {
        if (recipients.isEmpty()) return;
        try (InputStream original = inbound.openBlob(blob.hash())) {
            inbound.submitGeneratedQuietly(queueId, DsnMessage.build(host, action, subject, recipients, original), envelope.sender(), what);
        } catch (IOException | RuntimeException e) {
            log.error("{}: cannot send the {} to <{}>", queueId, what, envelope.sender(), e);
        }
    }

    /** Drops a message that was not committed (and the spool file of one that was). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            spool.close();
        } catch (IOException e) {
            log.warn("{}: cannot remove its spool file: {}", queueId, e.toString());
        }
    }

    /** Client-supplied text goes into a header or reply: printable, one line. */
    private static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 32 || c == 127 ? '_' : c);
        }
        return sb.toString();
    }

    private record Arrived(Headers headers, Spool spool, MimePart structure, MessageSummary summary) implements ArrivedMessage {
        @Override
        public InputStream content() throws IOException {
            return spool.open();
        }

        @Override
        public long size() {
            return spool.size();
        }
    }

    /** Copies every byte read to {@code copy}. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;

        Tee(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) copy.write(b);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) copy.write(b, off, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }
    }
}
