package org.estafeta.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.estafeta.store.Account;
import org.estafeta.store.Blob;
import org.estafeta.store.Blobs;
import org.estafeta.store.Envelope;

/**
 * The submission path shared by SMTP (MAIL/RCPT/DATA) and the webmail: where each recipient goes,
 * the quota check on the finished message, and handing it to {@link Delivery} for the INBOXes and the
 * outbound queue in one transaction, with RFC 3461 success notices for local recipients.
 */
public final class Submission {

    /** Where one recipient address leads for a sender who may relay. */
    public sealed interface Route {
        record Local(List<Long> accountIds) implements Route {
        }

        /** A local recipient whose mailbox is at its quota (552 5.2.2). */
        record Full() implements Route {
        }

        record Unknown() implements Route {
        }

        record Remote() implements Route {
        }
    }

    /** Why a message was not taken. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final Delivery delivery;
    private final RecipientResolver resolver;
    private final Blobs blobs;
    private final String hostname;

    public Submission(Delivery delivery, RecipientResolver resolver, Blobs blobs, String hostname) {
        this.delivery = delivery;
        this.resolver = resolver;
        this.blobs = blobs;
        this.hostname = hostname;
    }

    public Route route(String address) {
        return switch (resolver.resolve(address)) {
            case Resolution.Local local -> local.accountIds().stream().anyMatch(delivery::isFull)
                    ? new Route.Full() : new Route.Local(local.accountIds());
            case Resolution.UnknownUser u -> new Route.Unknown();
            case Resolution.Remote r -> new Route.Remote();
        };
    }

    /** An authenticated user may send as their own address, an alias of it, or user+tag. */
    public boolean owns(Account account, String sender) {
        return resolver.resolve(sender) instanceof Resolution.Local local && local.accountIds().equals(List.of(account.id()));
    }

    /**
     * The end of a transaction: refuses a message that would take a local recipient over quota, else
     * commits it for every recipient and sends the success notices asked for. Returns once durable.
     */
    public void commit(String queueId, Blob blob, Collection<Long> localAccountIds, Envelope remote,
                       List<Envelope.Recipient> notifyDelivered) throws Refused {
        if (localAccountIds.stream().anyMatch(a -> delivery.wouldExceedQuota(a, blob.size()))) {
            throw new Refused("mailbox full, the message would exceed the recipient's quota");
        }
        delivery.accept(queueId, blob, List.copyOf(localAccountIds), remote);
        delivery.notifyDelivered(queueId, blob, remote, notifyDelivered, hostname);
    }

    /**
     * Submits a message written by the server for a logged-in user (webmail): every recipient is
     * routed as in RCPT, the message gets trace fields and the Date/Message-ID a client may omit
     * (RFC 6409 §8), is stored, and committed. Returns the queue id.
     *
     * @param via what to name in the Received line's {@code with} clause ({@code HTTP}, {@code HTTPS})
     */
    public String submit(Account user, String sender, List<String> recipients, byte[] message, String clientIp, String via)
            throws Refused, IOException {
        if (recipients.isEmpty()) throw new Refused("no recipients");
        if (!owns(user, sender)) throw new Refused("sender address not owned by " + user.address());
        Set<Long> local = new LinkedHashSet<>();
        List<Envelope.Recipient> remote = new ArrayList<>();
        for (String r : recipients) {
            switch (route(r)) {
                case Route.Local l -> local.addAll(l.accountIds());
                case Route.Full f -> throw new Refused(r + ": mailbox full");
                case Route.Unknown u -> throw new Refused(r + ": no such user here");
                case Route.Remote rem -> remote.add(new Envelope.Recipient(r, null, null));
            }
        }
        String id = QueueId.next();
        var channel = new ReceivedHeader.Channel(true, via.endsWith("S"), true, null, null);
        String trace = ReceivedHeader.trace(sender, "webmail", clientIp, hostname, channel, id,
                recipients.size() == 1 ? recipients.getFirst() : null, ZonedDateTime.now())
                .replace(" with " + channel.with() + " ", " with " + via + " ");
        Blob blob;
        try (Blobs.BlobWriter w = blobs.create()) {
            w.write(trace.getBytes(StandardCharsets.UTF_8));
            SubmissionHeaders completed = new SubmissionHeaders(w, hostname);
            completed.write(message);
            completed.finish();
            blob = w.finish();
        }
        commit(id, blob, local, new Envelope(sender, null, null, remote), List.of());
        return id;
    }
}
