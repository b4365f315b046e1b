package org.estafeta.delivery;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.estafeta.store.MailOption;

/**
 * The SMTP envelope of an arriving message: the reverse-path and each recipient with its route.
 *
 * @param sender the reverse-path, empty for the null path
 * @param envelopeId RFC 3461 ENVID, or null
 * @param ret RFC 3461 RET (FULL or HDRS), or null
 * @param options SMTPUTF8, BINARYMIME, REQUIRETLS as given on MAIL FROM, for the next hop
 */
public record InboundEnvelope(String sender, String envelopeId, String ret, List<Recipient> recipients, Set<MailOption> options) {

    public InboundEnvelope {
        recipients = List.copyOf(recipients);
        options = Set.copyOf(options);
    }

    /** An envelope without MAIL FROM options (notices, webmail, imports). */
    public InboundEnvelope(String sender, String envelopeId, String ret, List<Recipient> recipients) {
        this(sender, envelopeId, ret, recipients, Set.of());
    }

    /**
     * @param notifyOn RFC 3461 NOTIFY as given, or null
     * @param orcpt RFC 3461 ORCPT as given, or null
     * @param route {@link Route.Local} or {@link Route.Remote}
     */
    public record Recipient(String address, String notifyOn, String orcpt, Route route) {
        public Recipient {
            if (!(route instanceof Route.Local || route instanceof Route.Remote)) {
                throw new IllegalArgumentException("not a deliverable route: " + route);
            }
        }

        public boolean wants(String event) {
            return notifyOn != null && List.of(notifyOn.toUpperCase(Locale.ROOT).split(",")).contains(event);
        }
    }
}
