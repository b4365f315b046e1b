package org.estafeta.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.estafeta.mailauth.Dmarc;
import org.estafeta.mailauth.MessageAuthentication;
import org.estafeta.mailauth.Spf;
import org.estafeta.mime.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF, DKIM and DMARC on mail from other servers (port 25), reported in one Authentication-Results
 * field under our host name (RFC 8601), and the policy that follows: DMARC reject refused at the end
 * of DATA, quarantine to Junk, an SPF fail of a domain without DMARC as configured, and a DNS failure
 * that leaves the answer open deferred (451), never passed. Our own logged-in users and the relay
 * networks are not checked: they are not "other servers".
 */
public final class AuthenticationCheck implements ArrivalCheck {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationCheck.class);

    /** What to do with a message that fails a check. */
    public enum Action {
        /** Stamp the result only. */
        ACCEPT,
        /** Local copies go to Junk. */
        JUNK,
        /** 550 5.7.1 at the end of DATA. */
        REJECT
    }

    /**
     * @param dmarcReject for a DMARC fail under p=reject (RFC 7489 §6.6.3 lets the receiver decide)
     * @param dmarcQuarantine for a DMARC fail under p=quarantine
     * @param spfFail for an SPF fail ({@code -all}) when the domain publishes no DMARC record
     */
    public record Policy(Action dmarcReject, Action dmarcQuarantine, Action spfFail) {
    }

    private final MessageAuthentication checks;
    private final String authservId;
    private final Policy policy;
    private final Predicate<InetAddress> trusted;

    /**
     * @param authservId our host name, the authserv-id of the field we write and of those we remove
     * @param trusted the relay networks, whose mail is ours to send and is not checked
     */
    public AuthenticationCheck(MessageAuthentication checks, String authservId, Policy policy, Predicate<InetAddress> trusted) {
        this.checks = checks;
        this.authservId = authservId;
        this.policy = policy;
        this.trusted = trusted;
    }

    @Override
    public Verdict check(InboundEnvelope envelope, Channel channel, ArrivedMessage message) {
        if (channel.kind() != Channel.Kind.MX || channel.account() != null || channel.client() == null || trusted.test(channel.client())) {
            return Verdict.accept();
        }
        // RFC 8601 §5: a field in our name that came from outside is a forgery; only ours may remain.
        List<Headers.Field> forged = new ArrayList<>();
        for (Headers.Field f : message.headers().fields()) {
            if (f.name().equalsIgnoreCase("Authentication-Results") && authservId.equalsIgnoreCase(MessageAuthentication.authservId(f.value()))) {
                forged.add(f);
            }
        }
        MessageAuthentication.Report report;
        try (InputStream content = message.content()) {
            report = checks.check(channel.client(), channel.helo(), envelope.sender(), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (report.temporaryError() && !report.dmarcPass()) {
            return Verdict.refuse(451, report.spf() == Spf.Result.TEMPERROR ? "4.7.24" : "4.7.5",
                    "cannot check the sender's authentication now (DNS), try again later");
        }
        Action action = action(report);
        log.info("authentication of <{}> from {}: {} -> {}", envelope.sender(), channel.client().getHostAddress(),
                report.field(authservId).replaceAll("\\s+", " ").trim(), action);
        if (action == Action.REJECT) {
            return Verdict.refuse(550, "5.7.1", report.dmarc() != null && report.dmarc().status() == Dmarc.Status.FAIL
                    ? "rejected by the DMARC policy of " + report.dmarc().fromDomain()
                    : "rejected by the SPF policy of " + report.spfDomain());
        }
        return new Verdict(List.of(report.field(authservId)), forged, action == Action.JUNK, null);
    }

    private Action action(MessageAuthentication.Report report) {
        Dmarc.Result dmarc = report.dmarc();
        if (dmarc != null && dmarc.status() == Dmarc.Status.FAIL) {
            return switch (dmarc.policy()) {
                case REJECT -> policy.dmarcReject();
                case QUARANTINE -> policy.dmarcQuarantine();
                case NONE -> Action.ACCEPT;
            };
        }
        boolean noDmarc = dmarc == null || dmarc.status() == Dmarc.Status.NONE;
        return noDmarc && report.spf() == Spf.Result.FAIL ? policy.spfFail() : Action.ACCEPT;
    }
}
