package org.estafeta.queue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.dns.Dns;
import org.estafeta.dns.MxResolver;
import org.estafeta.delivery.DsnMessage;
import org.estafeta.delivery.Inbound;
import org.estafeta.store.Blobs;
import org.estafeta.store.MailOption;
import org.estafeta.store.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound queue's worker: takes due recipients, delivers them grouped by message and domain on
 * virtual threads (at most {@code queue.concurrency} at once), records each outcome, and sends
 * bounces and delay notices. Everything lives in the store, so a restart loses nothing: leases of a
 * crashed run simply expire.
 */
public final class QueueRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);

    private static final int CLAIM_BATCH = 200;

    private final Queue queue;
    private final Blobs blobs;
    private final Inbound delivery;
    private final Config.Queue settings;
    private final String hostname;
    private final DomainDelivery domainDelivery;
    private final Semaphore slots;
    private final LeaseKeeper leases;
    /** Domains whose mail waits for ATRN (smtp.atrn_domains): never delivered by MX. */
    private final java.util.Set<String> heldDomains;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean woken;
    private volatile boolean closed;
    private final Thread thread;
    /** Told what each delivery attempt decided (metrics), on the delivering thread. */
    private final List<java.util.function.Consumer<List<Queue.Outcome>>> outcomeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public QueueRunner(Queue queue, Blobs blobs, Inbound delivery, Config config, Dns dns, SSLContext clientTls) {
        this.queue = queue;
        this.blobs = blobs;
        this.delivery = delivery;
        this.settings = config.queue();
        this.hostname = config.server().hostname();
        this.domainDelivery = new DomainDelivery(new MxResolver(dns), settings, hostname, clientTls, mtaSts(config, dns), verifier(config));
        this.slots = new Semaphore(settings.concurrency());
        this.heldDomains = config.smtp().atrnDomains().keySet();
        delivery.onQueued(this::wake);
        delivery.pickupsFrom(this::claimForPickup);
        // queue.lease: how long a claim holds when nobody renews it; what a node that died was working on
        // is due again after this. The LeaseKeeper renews it while a delivery runs, however long that takes.
        this.leases = new LeaseKeeper(queue, settings.lease());
        log.info("queue: this node's leases are taken as {}", queue.owner());
        int released = queue.releaseLeases();
        if (released > 0) log.info("queue: {} recipient(s) left in progress by this node's previous run are due again", released);
        this.thread = Thread.ofPlatform().name("queue-runner").daemon().start(this::loop);
    }

    /** Adds a listener for the outcomes of delivery attempts (delivered, deferred, bounced). */
    public void onOutcomes(java.util.function.Consumer<List<Queue.Outcome>> listener) {
        outcomeListeners.add(listener);
    }

    private static org.estafeta.tls.PeerVerifier verifier(Config config) {
        return org.estafeta.tls.PeerVerifier.of(config.mailAuth().mtaSts().trustedCas());
    }

    /** RFC 8461 for outbound mail: policies fetched over authenticated HTTPS, kept in DATA/mta-sts/. */
    private static org.estafeta.mailauth.MtaSts mtaSts(Config config, Dns dns) {
        Config.MtaSts c = config.mailAuth().mtaSts();
        var fetch = new org.estafeta.mailauth.PolicyFetch(dns, verifier(config).context(), c.fetchPort(), c.fetchTimeout(), c.maxPolicySize());
        return new org.estafeta.mailauth.MtaSts(dns, fetch, new MtaStsFiles(config.server().dataDir().resolve("mta-sts")));
    }

    /** Look at the queue now rather than at the next poll. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.error("queue run failed", e);
            }
            sleepUntilDue();
        }
    }

    private void sleepUntilDue() {
        lock.lock();
        try {
            if (woken) {
                woken = false;
                return;
            }
            Duration wait = settings.pollInterval();
            var next = queue.nextDue();
            if (next.isPresent()) {
                Duration untilDue = Duration.between(Instant.now(), next.get());
                if (untilDue.compareTo(wait) < 0) wait = untilDue.isNegative() ? Duration.ofMillis(50) : untilDue.plusMillis(10);
            }
            wake.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims what is due and starts its deliveries; returns without waiting for them. Messages for one
     * domain share connections: up to {@code queue.connections_per_domain} per domain, each carrying
     * its share of the messages one after the other.
     */
    void runOnce() {
        List<Queue.Entry> due = queue.claimDue(Instant.now(), leases.lease(), CLAIM_BATCH, null);
        // Renewed from now on: some wait for a delivery slot before their attempt even starts.
        leases.hold(due);
        Map<String, List<Queue.Entry>> toBounce = new LinkedHashMap<>();
        Map<String, Map<String, List<Queue.Entry>>> byDomain = new LinkedHashMap<>();
        for (Queue.Entry e : due) {
            if (e.status().equals("failed")) toBounce.computeIfAbsent(e.queueId(), k -> new ArrayList<>()).add(e);
            else byDomain.computeIfAbsent(e.recipient().domain(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(e.queueId(), k -> new ArrayList<>()).add(e);
        }
        toBounce.values().forEach(group -> {
            try {
                bounce(group);
            } finally {
                leases.release(group);
            }
        });
        byDomain.forEach((domain, messages) -> {
            List<List<Queue.Entry>> groups = new ArrayList<>(messages.values());
            if (heldDomains.contains(domain)) {
                groups.forEach(group -> {
                    try {
                        hold(group);
                    } finally {
                        leases.release(group);
                    }
                });
                return;
            }
            int connections = Math.min(settings.connectionsPerDomain(), groups.size());
            for (int c = 0; c < connections; c++) {
                List<List<Queue.Entry>> share = new ArrayList<>();
                for (int i = c; i < groups.size(); i += connections) share.add(groups.get(i));
                slots.acquireUninterruptibly();
                Thread.ofVirtual().name("deliver-" + domain).start(() -> {
                    try {
                        deliver(domain, share);
                    } catch (RuntimeException e) {
                        log.error("delivery to {} failed", domain, e);
                    } finally {
                        share.forEach(leases::release);
                        slots.release();
                    }
                });
            }
        });
    }

    private void deliver(String domain, List<List<Queue.Entry>> groups) {
        domainDelivery.attempt(domain, groups, entry -> WithoutReturnPath.of(blobs.open(entry.blob())), this::record);
    }

    /** Stores what happened to one message's recipients, logs it, and sends the notices it calls for. */
    private void record(List<Queue.Entry> group, DomainDelivery.Attempt attempt) {
        List<Queue.Outcome> outcomes = recorded(group, expireOrWarn(group, withNextAttempt(group, attempt.outcomes())));
        outcomeListeners.forEach(l -> l.accept(outcomes));
        List<Queue.Entry> relayed = new ArrayList<>();
        for (Queue.Outcome o : outcomes) {
            Queue.Entry e = entry(group, o.recipientId());
            switch (o) {
                case Queue.Outcome.Delivered d -> {
                    log.info("{} to=<{}> relay={} status=sent ({})", e.queueId(), e.recipient().address(), d.remoteMta(), d.reply());
                    if (e.recipient().wants("SUCCESS") && !attempt.remoteHasDsn()) relayed.add(e.withResult(e.nextAttempt(), d.reply(), d.remoteMta()));
                }
                case Queue.Outcome.Deferred d -> log.info("{} to=<{}> relay={} status=deferred ({}), next try {}", e.queueId(),
                        e.recipient().address(), d.remoteMta(), d.error(), d.nextAttempt());
                case Queue.Outcome.Failed f -> log.info("{} to=<{}> relay={} status=bounced ({})", e.queueId(),
                        e.recipient().address(), f.remoteMta(), f.error());
                default -> { }
            }
        }
        if (!relayed.isEmpty()) notifySender(DsnMessage.Action.RELAYED, relayed);
        if (outcomes.stream().anyMatch(o -> o instanceof Queue.Outcome.Failed)) wake();
    }

    /** Records outcomes; returns those recorded, saying which were dropped because their lease was lost. */
    private List<Queue.Outcome> recorded(List<Queue.Entry> group, List<Queue.Outcome> outcomes) {
        List<Queue.Outcome> recorded = queue.record(outcomes);
        if (recorded.size() < outcomes.size()) {
            for (Queue.Outcome o : outcomes) {
                if (recorded.contains(o)) continue;
                Queue.Entry e = entry(group, o.recipientId());
                log.warn("{} to=<{}>: lease lost (it ran out and another node took the recipient over); not recorded: {}",
                        e.queueId(), e.recipient().address(), o);
            }
        }
        return recorded;
    }

    /** Mail for an ATRN domain waits (and expires, and bounces) like deferred mail, without a delivery attempt. */
    private void hold(List<Queue.Entry> group) {
        List<Queue.Outcome> held = group.stream().<Queue.Outcome>map(e -> new Queue.Outcome.Deferred(e.recipientId(), null,
                "4.4.0 held for pickup with ATRN", Instant.now())).toList();
        recorded(group, expireOrWarn(group, withNextAttempt(group, held)));
    }

    /** RFC 2645: leases the mail of these domains for an ATRN session. */
    private org.estafeta.delivery.Pickup claimForPickup(List<String> domains) {
        List<Queue.Entry> entries = new ArrayList<>();
        for (String domain : domains) {
            queue.retryDomain(domain);
            entries.addAll(queue.claimDue(Instant.now(), leases.lease(), 10_000, domain).stream().filter(e -> e.status().equals("queued")).toList());
        }
        if (entries.isEmpty()) return null;
        return new org.estafeta.delivery.Pickup() {
            @Override
            public int recipients() {
                return entries.size();
            }

            @Override
            public void deliverOver(org.estafeta.net.Connection connection) throws IOException {
                leases.hold(entries);
                Map<String, List<Queue.Entry>> byMessage = new LinkedHashMap<>();
                for (Queue.Entry e : entries) byMessage.computeIfAbsent(e.queueId(), k -> new ArrayList<>()).add(e);
                List<Queue.Outcome> outcomes = new ArrayList<>();
                try {
                    var client = org.estafeta.smtp.client.SmtpClient.reversed(connection, "ATRN client", settings.commandTimeout(), hostname);
                    for (List<Queue.Entry> group : byMessage.values()) {
                        try (InputStream content = WithoutReturnPath.of(blobs.open(group.getFirst().blob()))) {
                            outcomes.addAll(domainDelivery.transaction(client, group, content, "ATRN client").outcomes());
                        }
                    }
                    client.quit();
                } finally {
                    // Whatever was not answered stays queued for the next pickup.
                    for (Queue.Entry e : entries) {
                        if (outcomes.stream().noneMatch(o -> o.recipientId() == e.recipientId())) {
                            outcomes.add(new Queue.Outcome.Deferred(e.recipientId(), null, "4.4.2 ATRN session ended early", Instant.now()));
                        }
                    }
                    recorded(entries, withNextAttempt(entries, outcomes));
                    leases.release(entries);
                    if (outcomes.stream().anyMatch(o -> o instanceof Queue.Outcome.Failed)) wake();
                }
            }
        };
    }

    /** Deferred recipients wait as the retry schedule says after this many attempts. */
    private List<Queue.Outcome> withNextAttempt(List<Queue.Entry> group, List<Queue.Outcome> outcomes) {
        return outcomes.stream().map(o -> o instanceof Queue.Outcome.Deferred d
                ? new Queue.Outcome.Deferred(d.recipientId(), d.remoteMta(), d.error(),
                        Instant.now().plus(settings.retryAfter(entry(group, d.recipientId()).attempts() + 1)))
                : o).toList();
    }

    /** Deferred too long becomes failed (RFC 5321 §4.5.4.1); deferred past the warning time tells senders who asked. */
    private List<Queue.Outcome> expireOrWarn(List<Queue.Entry> group, List<Queue.Outcome> outcomes) {
        List<Queue.Outcome> out = new ArrayList<>();
        List<Queue.Entry> delayed = new ArrayList<>();
        Instant now = Instant.now();
        for (Queue.Outcome o : outcomes) {
            Queue.Entry e = entry(group, o.recipientId());
            if (o instanceof Queue.Outcome.Deferred d) {
                Duration age = Duration.between(e.created(), now);
                if (age.compareTo(settings.maxAge()) >= 0) {
                    out.add(new Queue.Outcome.Failed(d.recipientId(), d.remoteMta(), "4.4.7 delivery time expired; last error: " + d.error()));
                    continue;
                }
                if (age.compareTo(settings.delayWarning()) >= 0 && !e.delayNotified() && e.recipient().wants("DELAY")) {
                    delayed.add(e.withResult(d.nextAttempt(), d.error(), d.remoteMta()));
                    out.add(new Queue.Outcome.DelayNotified(d.recipientId()));
                }
            }
            out.add(o);
        }
        if (!delayed.isEmpty()) notifySender(DsnMessage.Action.DELAYED, delayed);
        return out;
    }

    /** Sends the bounce for failed recipients of one message (unless its sender is null or said NOTIFY=NEVER). */
    private void bounce(List<Queue.Entry> failed) {
        List<Queue.Entry> wanted = failed.stream()
                .filter(e -> e.recipient().notifyOn() == null || e.recipient().wants("FAILURE")).toList();
        if (!wanted.isEmpty()) notifySender(DsnMessage.Action.FAILED, wanted);
        recorded(failed, failed.stream().<Queue.Outcome>map(e -> new Queue.Outcome.Done(e.recipientId())).toList());
    }

    private void notifySender(DsnMessage.Action action, List<Queue.Entry> entries) {
        Queue.Entry first = entries.getFirst();
        // RFC 5321 §4.5.5 / RFC 3461 §6.2: never notify the null reverse-path (no bounce of a bounce).
        if (first.sender().isEmpty()) return;
        // RFC 8689 §5: a notice about a REQUIRETLS message returns its header only, as if RET=HDRS, whatever
        // RET said, since the notice itself is not sent with REQUIRETLS.
        String ret = first.has(MailOption.REQUIRETLS) ? "HDRS" : first.ret();
        var subject = new DsnMessage.Subject(first.queueId(), first.sender(), first.envelopeId(), ret, first.created());
        List<DsnMessage.Recipient> recipients = entries.stream().map(e -> new DsnMessage.Recipient(e.recipient().address(),
                e.recipient().orcpt(), e.lastError(), e.remoteMta(), e.nextAttempt())).toList();
        try (InputStream original = blobs.open(first.blob())) {
            delivery.submitGenerated(DsnMessage.build(hostname, action, subject, recipients, original), first.sender());
            log.info("{} sender notice: {} to=<{}>", first.queueId(), action.word(), first.sender());
        } catch (IOException | RuntimeException e) {
            log.error("{}: cannot send the {} notice to <{}>", first.queueId(), action.word(), first.sender(), e);
        }
    }

    private static Queue.Entry entry(List<Queue.Entry> group, long recipientId) {
        return group.stream().filter(e -> e.recipientId() == recipientId).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        closed = true;
        wake();
        try {
            thread.join(2000);
            // Let deliveries in progress finish (or time out) before the store closes under them.
            if (slots.tryAcquire(settings.concurrency(), 10, TimeUnit.SECONDS)) slots.release(settings.concurrency());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            leases.close();
        }
    }
}
