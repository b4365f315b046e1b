package org.estafeta.delivery;

import java.util.List;
import org.estafeta.store.Filing;

/**
 * The per-recipient step (Sieve, RFC 5228) run for each local account a message reaches: it decides
 * the mailboxes, flags, redirects, generated replies, or a refusal. It does no I/O of its own: the
 * pipeline carries the decision out. A filter that throws means implicit keep (RFC 5228 §2.10.6).
 */
public interface RecipientFilter {

    /** Keeps every message where its route says (INBOX, or Junk by an arrival verdict). */
    RecipientFilter KEEP = context -> Decision.keep(context.keep());

    Decision decide(Context context);

    /**
     * @param accountId the account being delivered to
     * @param recipient the envelope recipient that led there (an alias, a +tag address)
     * @param keep where the message goes if the filter does nothing (implicit keep)
     */
    record Context(long accountId, String recipient, InboundEnvelope envelope, Channel channel, ArrivedMessage message,
                   Filing keep) {
    }

    /**
     * @param filings copies for this account (each mailbox once; empty with no redirects = discard)
     * @param redirects addresses to forward to (queued with an SRS sender, RFC 5228 §4.2)
     * @param replies messages to send back (vacation, RFC 5230), sent with the null reverse-path
     * @param reject non-null: refuse the message for this recipient with this reason (RFC 5429)
     */
    record Decision(List<Filing> filings, List<String> redirects, List<Reply> replies, String reject) {
        public Decision {
            filings = List.copyOf(filings);
            redirects = List.copyOf(redirects);
            replies = List.copyOf(replies);
        }

        public static Decision keep(Filing where) {
            return new Decision(List.of(where), List.of(), List.of(), null);
        }
    }

    /** A complete message (header and body, CRLF line ends) for {@code to}. */
    record Reply(String to, byte[] message) {
    }
}
