package org.estafeta.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.estafeta.store.Account;
import org.estafeta.store.Blobs;
import org.estafeta.store.Envelope;
import org.estafeta.store.Filing;
import org.estafeta.store.Intake;
import org.estafeta.store.Queue;
import org.estafeta.store.Quota;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way in for every message (see package-info): SMTP, submission, the webmail, the server's own
 * notices and imports {@link #open} an {@link InboundMessage} with its envelope and channel, stream the
 * content into it and commit. Also where SMTP routes RCPT, checks the sender, and reaches the queue
 * (ETRN, ATRN), so that the protocol packages know this one type of delivery.
 */
public final class Inbound {

    private static final Logger log = LoggerFactory.getLogger(Inbound.class);

    /**
     * @param hostname names the server in trace fields and generated Message-IDs, and is the SRS domain
     * @param checkSender a logged-in user may only send as addresses that lead to their own account
     * @param maxHops Received fields at which a message is taken for a loop (RFC 5321 §6.3)
     * @param spool where content too large to hold in memory waits until it is stored
     * @param srsSecret the key of SRS addresses (see {@link Srs})
     * @param headerSize limits.header_size: a live message whose header section is longer is refused
     */
    public record Settings(String hostname, boolean checkSender, int maxHops, Path spool, byte[] srsSecret, int mimeParts, int headerSize) {
        public Settings {
            if (maxHops < 1) throw new IllegalArgumentException("maxHops must be positive");
            srsSecret = srsSecret.clone();
        }
    }

    final Intake intake;
    final Blobs blobs;
    final Quota quota;
    final Settings settings;
    final Srs srs;
    private final Queue queue;
    private final RecipientResolver resolver;
    /** Arrival verdicts, in the order they were added; each may prepend fields, send to Junk or refuse. */
    final List<ArrivalCheck> checks = new CopyOnWriteArrayList<>();
    /** Signs our users' messages (DKIM); null signs nothing. */
    volatile MessageSigner signer;
    /** The per-recipient step; keeps everything until Sieve plugs in. */
    volatile RecipientFilter filter = RecipientFilter.KEEP;
    /** Told when something was queued or made due, so delivery workers need not wait for their next poll. */
    private final List<Runnable> queueListeners = new CopyOnWriteArrayList<>();
    private volatile Pickup.Source pickups;
    /** Told of each message committed or refused by {@link InboundMessage#commit} (metrics). */
    final List<Observer> observers = new CopyOnWriteArrayList<>();
    /** Messages accepted since local midnight (status page): the day they count for, and how many. */
    private final AtomicReference<long[]> today = new AtomicReference<>(new long[] {0, 0});

    public Inbound(Intake intake, Queue queue, Blobs blobs, RecipientResolver resolver, Quota quota, Settings settings) {
        this.intake = intake;
        this.queue = queue;
        this.blobs = blobs;
        this.resolver = resolver;
        this.quota = quota;
        this.settings = settings;
        this.srs = new Srs(settings.srsSecret(), settings.hostname(), Clock.systemUTC());
    }

    /** Adds an arrival verdict (SPF, DKIM, DMARC, spam), run on every message after those added before. */
    public void addCheck(ArrivalCheck check) {
        checks.add(check);
    }

    /** Signs every message a logged-in user sends (submission, webmail) from now on. */
    public void signWith(MessageSigner signer) {
        this.signer = signer;
    }

    /** Sets the per-recipient step (Sieve). */
    public void filterWith(RecipientFilter filter) {
        this.filter = filter;
    }

    /** Where RCPT TO:&lt;address&gt; leads: local mailboxes (INBOX; or the forwards of an alias), remote, full, unknown. */
    public Route route(String address) {
        String original = srs.reverse(address);
        // A bounce to an SRS address of ours goes back to the sender of the forwarded message.
        if (original != null) return new Route.Local(List.of(), List.of(original));
        if (srs.claims(address)) return new Route.Unknown();
        return switch (resolver.resolve(address)) {
            case Resolution.Local local -> local.accountIds().stream().anyMatch(id -> full(id, local.quotas().get(id))) ? new Route.Full()
                    : new Route.Local(local.accountIds().stream().map(Filing::inbox).toList(), local.forwards(), local.quotas());
            case Resolution.UnknownUser u -> new Route.Unknown();
            case Resolution.Remote r -> new Route.Remote();
        };
    }

    /** Full, with the account's own quota as read with the account when there is one (no second lookup). */
    private boolean full(long accountId, java.util.OptionalLong own) {
        return own == null ? quota.isFull(accountId) : quota.isFull(accountId, own);
    }

    /** An authenticated user may send as their own address, an alias that leads only to them, or user+tag. */
    public boolean owns(Account account, String address) {
        return resolver.resolve(address) instanceof Resolution.Local local && local.accountIds().equals(List.of(account.id()));
    }

    /** Starts a message; write its content (CRLF line ends, no dot-stuffing), then commit or close. */
    public InboundMessage open(InboundEnvelope envelope, Channel channel) {
        return new InboundMessage(this, envelope, channel);
    }

    /**
     * Starts a message that its owner ({@code address}) files into one of their own mailboxes as it
     * is (IMAP APPEND, the webmail's Sent and Drafts copies): no trace field, no filter, the flags given.
     */
    public InboundMessage openFiled(String address, Filing filing) {
        var route = new Route.Local(List.of(filing), List.of());
        var envelope = new InboundEnvelope("", null, null, List.of(new InboundEnvelope.Recipient(address, null, null, route)));
        return open(envelope, Channel.imported());
    }

    /**
     * Commits several messages in one transaction, all or none (IMAP MULTIAPPEND, RFC 3502 §3): each is
     * prepared (checks, blob, structure) first; a refusal or failure of any leaves none stored.
     */
    public void commitAll(List<InboundMessage> messages) throws Refused, IOException {
        long started = System.nanoTime();
        List<InboundMessage.Prepared> prepared = new ArrayList<>();
        for (InboundMessage m : messages) {
            try {
                prepared.add(m.prepare());
            } catch (Refused r) {
                for (Observer o : observers) o.refused(m.channel, r);
                throw r;
            }
        }
        List<List<org.estafeta.store.Intake.Filed>> filed = intake.acceptAll(prepared.stream().map(InboundMessage.Prepared::arrival).toList());
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);
        for (int i = 0; i < messages.size(); i++) {
            messages.get(i).finish(prepared.get(i), filed.get(i));
            for (Observer o : observers) o.accepted(messages.get(i).channel, took);
        }
    }

    /**
     * Sends a complete message for a logged-in user (the webmail): every recipient is routed as in RCPT
     * and refused as RCPT would refuse it. Returns the queue id once the message is durable.
     */
    public String send(Account user, String sender, List<String> recipients, byte[] message, Channel channel)
            throws Refused, IOException {
        if (recipients.isEmpty()) throw new Refused(554, "5.5.1", "no recipients");
        if (!owns(user, sender)) throw new Refused(553, "5.7.1", "sender address not owned by " + user.address());
        List<InboundEnvelope.Recipient> routed = new ArrayList<>();
        for (String r : recipients) {
            Route route = route(r);
            switch (route) {
                case Route.Full f -> throw new Refused(552, "5.2.2", r + ": mailbox full");
                case Route.Unknown u -> throw new Refused(550, "5.1.1", r + ": no such user here");
                case Route.Local l -> routed.add(new InboundEnvelope.Recipient(r, null, null, l));
                case Route.Remote rem -> routed.add(new InboundEnvelope.Recipient(r, null, null, rem));
            }
        }
        try (InboundMessage m = open(new InboundEnvelope(sender, null, null, routed), channel)) {
            m.write(message);
            return m.commit();
        }
    }

    /**
     * Sends a message the server wrote (a DSN, a notice, a filter's reply) to one address, local or
     * remote, with the null reverse-path so that it can never cause another bounce (RFC 5321 §4.5.5).
     * An unknown local address is dropped: there is nobody to tell.
     */
    public void submitGenerated(byte[] message, String recipient) throws IOException {
        Route route = switch (resolver.resolve(recipient)) {
            case Resolution.Local l -> new Route.Local(l.accountIds().stream().map(Filing::inbox).toList(), l.forwards());
            case Resolution.Remote r -> new Route.Remote();
            case Resolution.UnknownUser u -> null;
        };
        if (route == null) return;
        var envelope = new InboundEnvelope("", null, null, List.of(new InboundEnvelope.Recipient(recipient, "NEVER", null, route)));
        try (InboundMessage m = open(envelope, Channel.generated())) {
            m.write(message);
            m.commit();
        } catch (Refused e) {
            throw new IOException("generated message refused: " + e.getMessage(), e);
        }
    }

    /** Sent after the commit; a failure is only logged, the message itself is safe. */
    void submitGeneratedQuietly(String queueId, byte[] message, String recipient, String what) {
        try {
            submitGenerated(message, recipient);
        } catch (IOException | RuntimeException e) {
            log.error("{}: cannot send the {} to <{}>", queueId, what, recipient, e);
        }
    }

    /** Counts a committed message and wakes the queue if it queued anything. */
    void accepted(boolean queued) {
        long day = LocalDate.now().toEpochDay();
        today.getAndUpdate(c -> c[0] == day ? new long[] {day, c[1] + 1} : new long[] {day, 1});
        if (queued) queueListeners.forEach(Runnable::run);
    }

    InputStream openBlob(String hash) throws IOException {
        return blobs.open(hash);
    }

    /** Carries the count over a restart: the app saves it at close and gives it back at start (ignored if not today's). */
    public void restoreAcceptedToday(java.time.LocalDate day, long count) {
        long d = day.toEpochDay();
        if (d == java.time.LocalDate.now().toEpochDay()) today.getAndUpdate(c -> c[0] == d ? new long[] {d, c[1] + count} : new long[] {d, count});
    }

    /** Messages accepted today (local time), notices and bounces included. */
    public long acceptedToday() {
        long[] c = today.get();
        return c[0] == LocalDate.now().toEpochDay() ? c[1] : 0;
    }

    /** What the pipeline tells those who count (metrics), on the committing thread: keep it quick. */
    public interface Observer {
        /** A message is stored (the 250); {@code took}: from the end of its content to durable. */
        void accepted(Channel channel, java.time.Duration took);

        /** A message was refused after its content arrived (a verdict, a loop, quota, a filter). */
        void refused(Channel channel, Refused refusal);

        /** A recipient was refused before any content (SMTP RCPT: unknown user, relay denied, mailbox full, too many). */
        void recipientRefused(Channel channel, Refused refusal);
    }

    /** Tells the observers that a session refused a recipient ({@link Observer#recipientRefused}). */
    public void recipientRefused(Channel channel, Refused refusal) {
        for (Observer o : observers) o.recipientRefused(channel, refusal);
    }

    public void observe(Observer observer) {
        observers.add(observer);
    }

    public void onQueued(Runnable listener) {
        queueListeners.add(listener);
    }

    /** Set by the queue runner: where ATRN sessions get their mail. */
    public void pickupsFrom(Pickup.Source source) {
        this.pickups = source;
    }

    /** ATRN: leases the mail queued for these domains; null when there is none (or no queue runs). */
    public Pickup claimForPickup(List<String> domains) {
        Pickup.Source source = pickups;
        return source == null ? null : source.claim(domains);
    }

    /** ETRN (RFC 1985): makes the queued mail for {@code domain} due now; returns how many recipients. */
    public int flushDomain(String domain) {
        int n = queue.retryDomain(domain);
        if (n > 0) queueListeners.forEach(Runnable::run);
        return n;
    }

    /** The remote part of an envelope in the queue's terms. */
    static Envelope.Recipient queued(InboundEnvelope.Recipient r) {
        return new Envelope.Recipient(r.address(), r.notifyOn(), r.orcpt());
    }
}
