package org.estafeta.delivery;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.estafeta.mime.ImapStructure;
import org.estafeta.store.Blob;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.Blobs;
import org.estafeta.store.Envelope;
import org.estafeta.store.Intake;
import org.estafeta.store.Queue;
import org.estafeta.store.Quota;

/**
 * What happens to an accepted message: local recipients get it in their INBOX, remote ones in the
 * outbound queue, in one transaction. Also the way in for messages the server writes itself
 * (bounces, delay notices) and for ETRN, so that protocol packages never call the queue directly.
 */
public final class Delivery {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Delivery.class);

    private final Intake intake;
    private final Queue queue;
    private final Blobs blobs;
    private final RecipientResolver resolver;
    private final Quota quota;
    /** Told when something was queued or made due, so delivery workers need not wait for their next poll. */
    private final List<Runnable> queueListeners = new CopyOnWriteArrayList<>();
    private volatile Pickup.Source pickups;
    /** Sieve (set once at start), the address of an account for its envelope "to", and our name in refusal notices. */
    private volatile SieveFilter sieve;
    private volatile java.util.function.LongFunction<String> addressOf;
    private volatile String hostnameForNotices = "localhost";
    /** Messages accepted since local midnight (status page): the day they count for, and how many. */
    private final java.util.concurrent.atomic.AtomicReference<long[]> today = new java.util.concurrent.atomic.AtomicReference<>(new long[] {0, 0});

    public Delivery(Intake intake, Queue queue, Blobs blobs, RecipientResolver resolver, Quota quota) {
        this.quota = quota;
        this.intake = intake;
        this.queue = queue;
        this.blobs = blobs;
        this.resolver = resolver;
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

    /** Plugs in Sieve: from now on each local account's active script decides where its copy goes. */
    public void filterWith(SieveFilter filter, java.util.function.LongFunction<String> addressOf, String hostname) {
        this.sieve = filter;
        this.addressOf = addressOf;
        this.hostnameForNotices = hostname;
    }

    /** Returns once the message is committed for every recipient (or throws, and nobody has it). */
    public void accept(String queueId, Blob blob, List<Long> localAccountIds, Envelope remote) {
        List<Long> local = localAccountIds.stream().distinct().toList();
        SieveFilter filter = sieve;
        if (filter != null && local.stream().anyMatch(filter::applies)) {
            acceptFiltered(queueId, blob, local, remote, filter);
            return;
        }
        intake.accept(queueId, blob, Instant.now(), local, remote, local.isEmpty() ? null : structure(blob));
        counted(remote);
    }

    /**
     * Sieve at the narrowest point of today's delivery (the pipeline's per-recipient hook will take
     * it over): each account with an active script gets its copies where the script says, redirects
     * join the queued recipients, and replies and refusal notices go out after the commit.
     */
    private void acceptFiltered(String queueId, Blob blob, List<Long> local, Envelope remote, SieveFilter filter) {
        String sender = remote == null ? "" : remote.sender();
        org.estafeta.sieve.ParsedMessage message;
        try (var in = blobs.open(blob.hash())) {
            message = SieveFilter.read(in);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: cannot read the message for Sieve, keeping it in INBOX: {}", queueId, e.toString());
            intake.accept(queueId, blob, Instant.now(), local, remote, structure(blob));
            counted(remote);
            return;
        }
        List<org.estafeta.store.Filing> filings = new ArrayList<>();
        List<Envelope.Recipient> queued = new ArrayList<>(remote == null ? List.of() : remote.recipients());
        List<SieveFilter.Reply> replies = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (long account : local) {
            SieveFilter.Decision d;
            try {
                d = filter.applies(account) ? filter.decide(account, addressOf.apply(account), sender, message) : SieveFilter.Decision.keep(account);
            } catch (RuntimeException e) {
                // RFC 5228 §2.10.6: whatever goes wrong, the message is kept.
                log.error("{}: sieve failed for account {}, keeping the message", queueId, account, e);
                d = SieveFilter.Decision.keep(account);
            }
            if (d.reject() != null) refusals.add(addressOf.apply(account) + ": " + d.reject());
            filings.addAll(d.filings());
            for (String to : d.redirects()) queued.add(new Envelope.Recipient(to, "NEVER", null));
            replies.addAll(d.replies());
        }
        Envelope out = new Envelope(sender, remote == null ? null : remote.envelopeId(), remote == null ? null : remote.ret(), queued);
        intake.acceptFiled(queueId, blob, Instant.now(), filings, out, filings.isEmpty() ? null : structure(blob));
        counted(out);
        for (SieveFilter.Reply r : replies) {
            try {
                submitGenerated(r.message(), r.to());
            } catch (IOException | RuntimeException e) {
                log.error("{}: cannot send the vacation reply to <{}>", queueId, r.to(), e);
            }
        }
        if (!refusals.isEmpty() && !sender.isEmpty()) {
            // RFC 5429 §2.1: a refusal made after the message was accepted goes back as a DSN.
            var subject = new DsnMessage.Subject(queueId, sender, out.envelopeId(), out.ret(), Instant.now());
            List<DsnMessage.Recipient> refused = refusals.stream().map(text -> new DsnMessage.Recipient(text.substring(0, text.indexOf(": ")), null,
                    "5.7.1 " + text.replaceAll("[\r\n]+", " "), null, null)).toList();
            try (var original = blobs.open(blob.hash())) {
                submitGenerated(DsnMessage.build(hostnameForNotices, DsnMessage.Action.FAILED, subject, refused, original), sender);
            } catch (IOException | RuntimeException e) {
                log.error("{}: cannot send the rejection notice to <{}>", queueId, sender, e);
            }
        }
    }

    private void counted(Envelope remote) {
        long day = java.time.LocalDate.now().toEpochDay();
        today.getAndUpdate(c -> c[0] == day ? new long[] {day, c[1] + 1} : new long[] {day, 1});
        if (remote != null && !remote.recipients().isEmpty()) queueListeners.forEach(Runnable::run);
    }

    /** Messages accepted today (local time), bounces and notices included. */
    public long acceptedToday() {
        long[] c = today.get();
        return c[0] == java.time.LocalDate.now().toEpochDay() ? c[1] : 0;
    }

    /** The account is at or over limits.quota: no more mail for it (SMTP 552 5.2.2, RFC 3463 "mailbox full"). */
    public boolean isFull(long accountId) {
        return quota.isFull(accountId);
    }

    /** A message of {@code bytes} would take the account over limits.quota. */
    public boolean wouldExceedQuota(long accountId, long bytes) {
        return !quota.allows(accountId, bytes);
    }

    /**
     * The IMAP ENVELOPE/BODYSTRUCTURE, computed once here in one streaming pass and cached with the
     * local copies; null (computed when first fetched) if the message cannot be read now.
     */
    private MessageStructure structure(Blob blob) {
        try (var in = blobs.open(blob.hash())) {
            return ImapStructure.of(in);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot parse message {} for IMAP: {}", blob.hash(), e.toString());
            return null;
        }
    }

    /**
     * Sends a message the server wrote (a DSN) to one address, local or remote, with the null
     * reverse-path so that it can never cause another bounce (RFC 5321 §4.5.5).
     */
    public void submitGenerated(byte[] message, String recipient) throws IOException {
        Blob blob;
        try (Blobs.BlobWriter w = blobs.create()) {
            // Like every stored message; stripped again if it has to be relayed (RFC 5321 §4.4).
            w.write("Return-Path: <>\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            w.write(message);
            blob = w.finish();
        }
        List<Long> local = new ArrayList<>();
        List<Envelope.Recipient> remote = new ArrayList<>();
        switch (resolver.resolve(recipient)) {
            case Resolution.Local l -> local.addAll(l.accountIds());
            case Resolution.Remote r -> remote.add(new Envelope.Recipient(recipient, "NEVER", null));
            case Resolution.UnknownUser u -> {
                return;
            }
        }
        accept(QueueId.next(), blob, local, new Envelope("", null, null, remote));
    }

    /**
     * RFC 3461 NOTIFY=SUCCESS for recipients delivered here: a "delivered" notice to the sender. The
     * message is already accepted, so a failure here is only logged.
     */
    public void notifyDelivered(String queueId, Blob blob, Envelope envelope, List<Envelope.Recipient> delivered, String hostname) {
        if (envelope.sender().isEmpty() || delivered.isEmpty()) return;
        var subject = new DsnMessage.Subject(queueId, envelope.sender(), envelope.envelopeId(), envelope.ret(), Instant.now());
        List<DsnMessage.Recipient> recipients = delivered.stream()
                .map(r -> new DsnMessage.Recipient(r.address(), r.orcpt(), "2.0.0 delivered to mailbox", null, null)).toList();
        try (var original = blobs.open(blob.hash())) {
            submitGenerated(DsnMessage.build(hostname, DsnMessage.Action.DELIVERED, subject, recipients, original), envelope.sender());
        } catch (IOException | RuntimeException e) {
            log.error("{}: cannot send the delivery notice to <{}>", queueId, envelope.sender(), e);
        }
    }

    /** ETRN (RFC 1985): makes the queued mail for {@code domain} due now; returns how many recipients. */
    public int flushDomain(String domain) {
        int n = queue.retryDomain(domain);
        if (n > 0) queueListeners.forEach(Runnable::run);
        return n;
    }

}
