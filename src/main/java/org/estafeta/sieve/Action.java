package org.estafeta.sieve;

import java.util.List;

/** What delivery must do with the message for one recipient, as decided by the script. */
public sealed interface Action {

    /** Store in INBOX (keep, explicit or implicit), with these IMAP flags. */
    record Keep(List<String> flags) implements Action {
    }

    /** Store in {@code mailbox}; {@code create} (RFC 5490 §3.2) makes it when it is missing. */
    record FileInto(String mailbox, List<String> flags, boolean create) implements Action {
    }

    /** Resend to {@code address} through the queue (RFC 5228 §4.2). */
    record Redirect(String address) implements Action {
    }

    /** Refuse the message with {@code reason} (RFC 5429); {@code extended}: ereject, preferring an SMTP-level refusal. */
    record Reject(String reason, boolean extended) implements Action {
    }

    /**
     * An auto-reply that passed RFC 5230 §4.5 and RFC 3834 §2; delivery still checks the per-sender
     * once-per-{@code seconds} record before sending {@code message} to {@code to} from the null path.
     *
     * @param key what the once-per-period record is kept by (the handle, RFC 5230 §4.2)
     */
    record Vacation(String to, String key, long seconds, byte[] message) implements Action {
    }
}
