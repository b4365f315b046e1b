package org.estafeta.app;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.estafeta.auth.Authenticator;
import org.estafeta.config.Config;
import org.estafeta.delivery.Channel;
import org.estafeta.delivery.Inbound;
import org.estafeta.delivery.Refused;
import org.estafeta.imap.ImapServer;
import org.estafeta.metrics.DirectorySize;
import org.estafeta.metrics.Metrics;
import org.estafeta.net.Listener;
import org.estafeta.net.Networks;
import org.estafeta.queue.QueueRunner;
import org.estafeta.store.Queue;
import org.estafeta.web.MetricsEndpoint;

/**
 * The wiring of {@link Metrics}: each meter fed from a hook that its package already offers, and who
 * may read them ({@code metrics.allow}, {@code metrics.token}; both change on a reload).
 */
final class ServerMetrics implements MetricsEndpoint.Source {

    /** The blob store's size is measured again after this at the soonest (longer for a big store, see DirectorySize). */
    private static final Duration BLOB_SIZE_AGE = Duration.ofSeconds(5);

    private final Metrics metrics = new Metrics();
    private volatile Networks allow;
    private volatile byte[] token;

    ServerMetrics(Config.Ops ops) {
        configure(ops);
    }

    /** Who may read the metrics, from (re)loaded configuration. */
    void configure(Config.Ops ops) {
        this.allow = new Networks(ops.metricsAllow());
        this.token = ops.metricsToken().isEmpty() ? null : ops.metricsToken().getBytes(StandardCharsets.UTF_8);
    }

    void observe(Inbound inbound) {
        inbound.observe(new Inbound.Observer() {
            @Override
            public void accepted(Channel channel, Duration took) {
                metrics.accepted(channel.kind().name().toLowerCase(Locale.ROOT));
                if (channel.kind() == Channel.Kind.MX || channel.kind() == Channel.Kind.SUBMISSION) metrics.smtpData(took);
            }

            @Override
            public void refused(Channel channel, Refused refusal) {
                metrics.refused(reason(refusal), Metrics.Stage.DATA);
            }

            @Override
            public void recipientRefused(Channel channel, Refused refusal) {
                metrics.refused(reason(refusal), Metrics.Stage.RCPT);
            }

            private static String reason(Refused refusal) {
                return refusal.enhancedCode() == null ? String.valueOf(refusal.code()) : refusal.enhancedCode();
            }
        });
    }

    void observe(QueueRunner runner, Queue queue) {
        runner.onOutcomes(outcomes -> {
            for (Queue.Outcome o : outcomes) {
                switch (o) {
                    case Queue.Outcome.Delivered d -> metrics.delivery("delivered");
                    case Queue.Outcome.Deferred d -> metrics.delivery("deferred");
                    case Queue.Outcome.Failed f -> metrics.delivery("bounced");
                    default -> { }
                }
            }
        });
        metrics.gauge("estafeta.queue.recipients", "Recipients waiting in the outbound queue", null, () -> queue.list().size());
        metrics.gauge("estafeta.queue.oldest.age", "How long the oldest queued recipient has waited", "seconds", () -> queue.list().stream()
                .map(Queue.Entry::created).min(Instant::compareTo).map(c -> Duration.between(c, Instant.now()).toMillis() / 1000.0).orElse(0.0));
    }

    void observe(Authenticator authenticator) {
        authenticator.onFailure(metrics::authFailure);
    }

    void observe(ImapServer imap) {
        imap.timeCommandsWith(metrics::imapCommand);
    }

    void observe(List<Listener> listeners) {
        for (Listener l : listeners) {
            metrics.gauge("estafeta.sessions", "Sessions open now, per listener", null, l::openConnections, "protocol", l.protocolName());
        }
    }

    void observeBlobs(java.nio.file.Path blobDir, java.util.function.LongSupplier inDatabase) {
        DirectorySize size = new DirectorySize(blobDir, BLOB_SIZE_AGE, inDatabase);
        metrics.gauge("estafeta.blob.store.size", "Octets of message bodies on disk (measured again after 5 s or more)", "bytes", size::bytes);
    }

    @Override
    public Access access(InetAddress client, String bearerToken) {
        byte[] expected = token;
        if (bearerToken != null) {
            // Constant time: the token is a password.
            boolean right = expected != null && MessageDigest.isEqual(expected, bearerToken.getBytes(StandardCharsets.UTF_8));
            return right ? Access.ALLOWED : Access.UNAUTHORIZED;
        }
        if (allow.contains(client)) return Access.ALLOWED;
        return expected != null ? Access.UNAUTHORIZED : Access.FORBIDDEN;
    }

    @Override
    public String scrape() {
        return metrics.scrape();
    }
}
