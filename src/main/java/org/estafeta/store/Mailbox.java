package org.estafeta.store;

/** A folder of one account, with the IMAP counters that clients cache against. */
public record Mailbox(long id, long accountId, String name, String specialUse, long uidValidity, long uidNext,
                      long highestModSeq) {
}
