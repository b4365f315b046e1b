package org.estafeta.queue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.smtp.Reply;
import org.estafeta.smtp.client.SmtpClient;
import org.estafeta.smtp.client.SmtpClientException;
import org.estafeta.store.Queue;

/**
 * One delivery attempt of one message to the recipients it has in one domain: the MX hosts in order,
 * each of their addresses, until one answers; then each recipient's fate from the replies. Replies
 * decide (2xx delivered, 4xx retry, 5xx bounce); a host that cannot be reached or talks nonsense
 * just sends us on to the next one, and when none is left everything is retried later.
 */
final class DomainDelivery {

    /** What an attempt produced, and whether the host that took it offered DSN (then it reports success itself). */
    record Attempt(List<Queue.Outcome> outcomes, boolean remoteHasDsn) {
    }

    interface ContentSource {
        InputStream open() throws IOException;
    }

    private final MxResolver mx;
    private final Config.Queue settings;
    private final String heloName;
    private final SSLContext clientTls;

    DomainDelivery(MxResolver mx, Config.Queue settings, String heloName, SSLContext clientTls) {
        this.mx = mx;
        this.settings = settings;
        this.heloName = heloName;
        this.clientTls = clientTls;
    }

    Attempt attempt(List<Queue.Entry> group, ContentSource content) {
        Queue.Entry first = group.getFirst();
        String domain = first.recipient().domain();
        List<String> hosts;
        try {
            hosts = mx.mailHosts(domain);
        } catch (MxResolver.DnsFailure f) {
            return all(group, f.permanent, null, f.status + " " + f.getMessage());
        }
        String lastError = "4.4.1 no MX host of " + domain + " could be reached";
        for (String host : hosts) {
            List<InetAddress> addresses;
            try {
                addresses = mx.addresses(host);
            } catch (MxResolver.DnsFailure f) {
                lastError = "4.4.3 " + f.getMessage();
                continue;
            }
            if (addresses.isEmpty()) lastError = "4.4.3 MX host " + host + " has no address";
            for (InetAddress address : addresses) {
                SmtpClient client;
                try {
                    client = SmtpClient.connect(new InetSocketAddress(address, settings.remotePort()), host,
                            settings.connectTimeout(), settings.commandTimeout(), heloName);
                    // RFC 7435 opportunistic TLS: encrypt when offered, without authenticating the peer.
                    client.startTlsIfOffered(clientTls);
                } catch (SmtpClientException e) {
                    lastError = "4.4.1 " + e.getMessage();
                    continue;
                }
                String mta = host + " [" + address.getHostAddress() + "]";
                try (InputStream in = content.open()) {
                    Attempt a = transaction(client, group, in, mta);
                    client.quit();
                    return a;
                } catch (SmtpClientException e) {
                    client.close();
                    if (e.reply() != null) return all(group, e.isPermanent(), mta, e.reply().toString());
                    lastError = "4.4.2 " + e.getMessage();
                } catch (IOException e) {
                    client.close();
                    return all(group, false, mta, "4.3.0 cannot read the queued message: " + e.getMessage());
                }
            }
        }
        return all(group, false, null, lastError);
    }

    private Attempt transaction(SmtpClient client, List<Queue.Entry> group, InputStream content, String mta) throws SmtpClientException {
        Queue.Entry first = group.getFirst();
        List<SmtpClient.Recipient> rcpts = group.stream()
                .map(e -> new SmtpClient.Recipient(e.recipient().address(), e.recipient().notifyOn(), e.recipient().orcpt())).toList();
        SmtpClient.Result result = client.send(first.sender(), first.envelopeId(), first.ret(), true, first.size(), rcpts, content);
        List<Queue.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            Reply r = result.recipientReplies().get(i);
            if (r.code() / 100 == 2) r = result.dataReply();
            outcomes.add(outcome(group.get(i).recipientId(), mta, r));
        }
        return new Attempt(outcomes, client.supports("DSN"));
    }

    private Queue.Outcome outcome(long id, String mta, Reply r) {
        return switch (r.code() / 100) {
            case 2 -> new Queue.Outcome.Delivered(id, mta, r.toString());
            case 5 -> new Queue.Outcome.Failed(id, mta, r.toString());
            default -> new Queue.Outcome.Deferred(id, mta, r.toString(), Instant.now());
        };
    }

    /** The same fate for the whole group; deferred ones get their next attempt from the retry schedule. */
    private Attempt all(List<Queue.Entry> group, boolean permanent, String mta, String error) {
        List<Queue.Outcome> out = new ArrayList<>();
        for (Queue.Entry e : group) {
            out.add(permanent ? new Queue.Outcome.Failed(e.recipientId(), mta, error)
                    : new Queue.Outcome.Deferred(e.recipientId(), mta, error, Instant.now()));
        }
        return new Attempt(out, false);
    }
}
