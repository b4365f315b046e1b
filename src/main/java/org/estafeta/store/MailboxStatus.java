package org.estafeta.store;

/** Counters of one mailbox for IMAP STATUS and SELECT; {@code recent} counts UIDs above the recent mark. */
public record MailboxStatus(long messages, long unseen, long recent, long size, long deleted, long uidNext,
                            long uidValidity, long highestModSeq) {
}
