package org.estafeta.sieve;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a script knows of the delivery besides the message: the envelope (RFC 5228 §5.4), the
 * account's own addresses (for vacation, RFC 5230 §4.5), and whether a mailbox exists (RFC 5490 §3.1).
 *
 * @param envelopeFrom the reverse-path, "" for the null path
 * @param envelopeTo the recipient this run is for
 * @param ownAddresses the account's addresses (its name and aliases), lower case
 */
public record Context(String envelopeFrom, String envelopeTo, List<String> ownAddresses, String hostname, Predicate<String> mailboxExists,
        Instant now) {

    public Context {
        ownAddresses = List.copyOf(ownAddresses);
    }
}
