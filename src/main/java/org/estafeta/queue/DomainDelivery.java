package org.estafeta.queue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.dns.MxResolver;
import org.estafeta.mailauth.MtaSts;
import org.estafeta.smtp.Reply;
import org.estafeta.smtp.client.SmtpClient;
import org.estafeta.smtp.client.SmtpClientException;
import org.estafeta.store.AddressKey;
import org.estafeta.store.MailOption;
import org.estafeta.store.Queue;
import org.estafeta.tls.PeerVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt of one message to the recipients it has in one domain: the MX hosts in order,
 * each of their addresses, until one answers; then each recipient's fate from the replies. Replies
 * decide (2xx delivered, 4xx retry, 5xx bounce); a host that cannot be reached or talks nonsense
 * just sends us on to the next one, and when none is left everything is retried later.
 */
final class DomainDelivery {

    private static final Logger log = LoggerFactory.getLogger(DomainDelivery.class);

    /** What an attempt produced, and whether the host that took it offered DSN (then it reports success itself). */
    record Attempt(List<Queue.Outcome> outcomes, boolean remoteHasDsn) {
    }

    /** Opens the content of the queued message a recipient belongs to. */
    interface ContentOpener {
        InputStream open(Queue.Entry entry) throws IOException;
    }

    private final MxResolver mx;
    private final Config.Queue settings;
    private final String heloName;
    private final SSLContext clientTls;
    private final MtaSts mtaSts;
    private final PeerVerifier verifier;

    DomainDelivery(MxResolver mx, Config.Queue settings, String heloName, SSLContext clientTls, MtaSts mtaSts, PeerVerifier verifier) {
        this.mx = mx;
        this.settings = settings;
        this.heloName = heloName;
        this.clientTls = clientTls;
        this.mtaSts = mtaSts;
        this.verifier = verifier;
    }

    /**
     * A route's hosts in order, and the port and credentials to use with them; {@code sts} is the
     * MTA-STS policy lookup of an MX route (null for a configured transport, which is ours to trust).
     */
    private record Route(String domain, List<String> hosts, int port, boolean smarthost, MtaSts.Lookup sts) {
    }

    /**
     * A connected client, the name it goes by in logs and DSNs, and whether its TLS is authenticated
     * (a trusted certificate for the host name), which MTA-STS enforce and REQUIRETLS demand.
     */
    private record Link(SmtpClient client, String mta, boolean verified) {
    }

    /**
     * What a message asks of the connection that carries it (RFC 8689): the domain's policy as usual;
     * REQUIRETLS (verified TLS to a host that offers REQUIRETLS, or nothing); or, for {@code TLS-Required:
     * No}, TLS when offered but the MTA-STS policy not enforced. Messages that ask the same share a connection.
     */
    private enum Need {
        POLICY, REQUIRETLS, NO_POLICY;

        static Need of(Queue.Entry e) {
            if (e.has(MailOption.REQUIRETLS)) return REQUIRETLS;
            return e.has(MailOption.TLS_OPTIONAL) ? NO_POLICY : POLICY;
        }
    }

    /**
     * Why no host of a route could be used: the last reason, and whether every host that answered was
     * refused for REQUIRETLS alone. Then the failure is permanent (RFC 8689 §4.2.1: the message is not
     * sent to the domain, the sender gets a non-delivery notice); an unreachable host leaves hope.
     */
    private static final class Tries {
        String error;
        private boolean refusedForTls, otherFailure;

        Tries(String domain) {
            error = "4.4.1 no MX host of " + domain + " could be reached";
        }

        void failed(String reason) {
            error = reason;
            otherFailure = true;
        }

        void refusedForTls(String reason) {
            error = reason;
            refusedForTls = true;
        }

        boolean permanent() {
            return refusedForTls && !otherFailure;
        }
    }

    /**
     * Delivers several messages (each a group of recipients) for one domain, reusing one connection
     * for all of them; if it breaks, the rest goes over a new one. Each group's attempt is handed to
     * {@code results} as soon as it is known, so that a crash later in the share repeats nothing.
     */
    void attempt(String domain, List<List<Queue.Entry>> groups, ContentOpener content,
                 java.util.function.BiConsumer<List<Queue.Entry>, Attempt> results) {
        Route route;
        try {
            route = route(domain);
        } catch (MxResolver.DnsFailure f) {
            for (var g : groups) results.accept(g, all(g, f.permanent, null, f.status + " " + f.getMessage()));
            return;
        }
        Map<Need, Link> links = new EnumMap<>(Need.class);
        try {
            for (List<Queue.Entry> group : groups) {
                Need need = Need.of(group.getFirst());
                Link link = links.get(need);
                if (link == null) {
                    Tries tries = new Tries(domain);
                    link = connect(route, need, tries);
                    if (link == null) {
                        if (tries.permanent()) log.warn("{}: REQUIRETLS message not sent to {}: {}", group.getFirst().queueId(), domain, tries.error);
                        results.accept(group, all(group, tries.permanent(), null, tries.error));
                        continue;
                    }
                    links.put(need, link);
                }
                Attempt attempt;
                try (InputStream in = content.open(group.getFirst())) {
                    attempt = transaction(link.client(), group, in, link.mta());
                } catch (SmtpClientException e) {
                    if (e.reply() != null) {
                        // The server refused this message (e.g. MAIL FROM); the session itself is still fine.
                        attempt = all(group, e.isPermanent(), link.mta(), e.reply().toString());
                    } else {
                        link.client().close();
                        links.remove(need);
                        attempt = all(group, false, null, "4.4.2 " + e.getMessage());
                    }
                } catch (IOException | org.estafeta.store.BlobUnreadable e) {
                    attempt = all(group, false, link.mta(), "4.3.0 cannot read the queued message: " + e.getMessage());
                }
                results.accept(group, attempt);
            }
        } finally {
            links.values().forEach(l -> l.client().quit());
        }
    }

    private Route route(String domain) throws MxResolver.DnsFailure {
        String transport = settings.transportFor(domain);
        // DNS knows an IDN by its A-labels (RFC 5890); the queue keeps the U-label form.
        if (transport == null) {
            String ascii = asciiDomain(domain).toLowerCase(java.util.Locale.ROOT);
            List<String> hosts = mx.mailHosts(ascii);
            MtaSts.Lookup sts = mtaSts.policy(ascii);
            if (sts.policy() != null) log.info("MTA-STS {} for {} ({})", sts.policy().mode().keyword(), ascii, sts.source());
            return new Route(ascii, hosts, settings.remotePort(), false, sts);
        }
        int colon = transport.lastIndexOf(':');
        return new Route(domain, List.of(transport.substring(0, colon)), Integer.parseInt(transport.substring(colon + 1)),
                settings.transports().get(domain) == null, null);
    }

    /**
     * RFC 8461 §4.1, §5.1: under enforce an MX host the policy does not name is not used at all; under
     * testing it is used and the mismatch logged (TLS-RPT would report it).
     */
    private boolean policyAllows(Route route, String host, Need need, Tries tries) {
        if (route.sts() == null || route.sts().policy() == null || route.sts().policy().allows(host)) return true;
        if (route.sts().testing()) {
            log.warn("MTA-STS testing: MX host {} is not in the policy of {} {}", host, route.domain(), route.sts().policy().mx());
            return true;
        }
        if (!route.sts().enforces()) return true;
        if (need == Need.NO_POLICY) {
            log.info("TLS-Required: No: MX host {} used although the MTA-STS policy of {} does not name it", host, route.domain());
            return true;
        }
        tries.failed("4.7.5 MX host " + host + " does not match the MTA-STS policy of " + route.domain());
        return false;
    }

    /**
     * After STARTTLS: whether the peer is authenticated, and under an MTA-STS policy what follows from
     * it (§5.1, §4.2): enforce refuses the host (null, with the reason in tries) when TLS is missing or
     * its certificate is not valid for the host; testing logs and goes on. A REQUIRETLS message takes
     * only a host with verified TLS that offers REQUIRETLS (RFC 8689 §4.2.1, with the RFC 3463 and
     * RFC 8689 §7 codes); one with {@code TLS-Required: No} ignores the policy (§4.2.2).
     */
    private Link secured(Route route, SmtpClient client, String host, String mta, Need need, Tries tries) {
        String problem = client.isTls() ? verifier.problem(client.tlsSession(), host) : "no STARTTLS";
        if (need == Need.REQUIRETLS) {
            if (problem == null && client.supports("REQUIRETLS")) return new Link(client, mta, true);
            client.quit();
            String reason = problem != null ? "5.7.10 REQUIRETLS: no verified TLS with " + mta + ": " + problem
                    : "5.7.30 REQUIRETLS support required: " + mta + " does not offer REQUIRETLS";
            log.warn("REQUIRETLS: host refused: {}", reason);
            tries.refusedForTls(reason);
            return null;
        }
        if (problem != null && route.sts() != null && need == Need.NO_POLICY && route.sts().enforces()) {
            log.info("TLS-Required: No: MTA-STS policy of {} ignored for {}: {}", route.domain(), mta, problem);
        } else if (problem != null && route.sts() != null) {
            if (route.sts().enforces()) {
                client.quit();
                tries.failed("4.7.5 MTA-STS policy of " + route.domain() + " requires authenticated TLS; " + host + ": " + problem);
                return null;
            }
            if (route.sts().testing()) log.warn("MTA-STS testing: {} would be refused: {}", mta, problem);
        }
        return new Link(client, mta, problem == null);
    }

    /** The first host of the route that answers, greets properly and gives what {@code need} asks, or null (with the reason in tries). */
    private Link connect(Route route, Need need, Tries tries) {
        for (String host : route.hosts()) {
            if (!policyAllows(route, host, need, tries)) continue;
            List<InetAddress> addresses;
            try {
                addresses = isAddressLiteral(host) ? List.of(InetAddress.getByName(host)) : mx.addresses(host);
            } catch (MxResolver.DnsFailure | java.net.UnknownHostException f) {
                tries.failed("4.4.3 " + f.getMessage());
                continue;
            }
            if (addresses.isEmpty()) tries.failed("4.4.3 MX host " + host + " has no address");
            for (InetAddress address : addresses) {
                try {
                    SmtpClient client = SmtpClient.connect(new InetSocketAddress(address, route.port()), host,
                            settings.connectTimeout(), settings.commandTimeout(), heloName);
                    try {
                        // RFC 7435 opportunistic TLS: encrypt when offered, without authenticating the peer.
                        client.startTlsIfOffered(clientTls);
                        if (route.smarthost() && !settings.smarthostUser().isEmpty()) {
                            client.authPlain(settings.smarthostUser(), settings.smarthostPassword());
                        }
                    } catch (SmtpClientException e) {
                        client.close();
                        throw e;
                    }
                    Link link = secured(route, client, host, host + " [" + address.getHostAddress() + "]", need, tries);
                    if (link != null) return link;
                } catch (SmtpClientException e) {
                    tries.failed("4.4.1 " + e.getMessage());
                }
            }
        }
        return null;
    }

    private static String asciiDomain(String domain) {
        String a = AddressKey.asciiDomain(domain);
        return a == null ? domain : a;
    }

    private static boolean isAddressLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    Attempt transaction(SmtpClient client, List<Queue.Entry> group, InputStream content, String mta) throws SmtpClientException {
        Queue.Entry first = group.getFirst();
        List<SmtpClient.Recipient> rcpts = group.stream()
                .map(e -> new SmtpClient.Recipient(e.recipient().address(), e.recipient().notifyOn(), e.recipient().orcpt())).toList();
        SmtpClient.Result result = client.send(first.sender(), first.envelopeId(), first.ret(), first.options(), first.size(), rcpts, content);
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
