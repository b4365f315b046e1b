package org.estafeta.store;

import java.util.List;
import java.util.Set;

/**
 * The SMTP envelope of a message for remote recipients, with its RFC 3461 DSN parameters.
 *
 * @param sender the reverse-path, empty for the null path of bounces
 * @param envelopeId ENVID, or null
 * @param ret RET (FULL or HDRS), or null
 * @param options BINARYMIME, REQUIRETLS or TLS_OPTIONAL, for the next hop
 */
public record Envelope(String sender, String envelopeId, String ret, List<Recipient> recipients, Set<MailOption> options) {

    public Envelope {
        recipients = List.copyOf(recipients);
        options = Set.copyOf(options);
    }

    /** An envelope without options for the next hop. */
    public Envelope(String sender, String envelopeId, String ret, List<Recipient> recipients) {
        this(sender, envelopeId, ret, recipients, Set.of());
    }

    /** @param notifyOn NOTIFY as given (e.g. {@code SUCCESS,FAILURE}), or null; @param orcpt ORCPT as given, or null */
    public record Recipient(String address, String notifyOn, String orcpt) {
        public String domain() {
            return address.substring(address.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
        }

        public boolean wants(String event) {
            return notifyOn != null && java.util.Arrays.asList(notifyOn.toUpperCase(java.util.Locale.ROOT).split(",")).contains(event);
        }
    }
}
