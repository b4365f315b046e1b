package org.estafeta.store;

/**
 * The storage quota every account has (limits.quota, RFC 9208 STORAGE): SMTP refuses mail that would
 * exceed it with 552 5.2.2, IMAP APPEND/COPY/MOVE with NO [OVERQUOTA]. Usage is the sum of message
 * sizes over all the account's mailboxes, read when asked (no counter to drift).
 */
public final class Quota {

    private final Mailboxes mailboxes;
    /** Bytes per account; 0 means no quota. */
    private final long limit;

    public Quota(Mailboxes mailboxes, long limit) {
        if (limit < 0) throw new IllegalArgumentException("a quota cannot be negative");
        this.mailboxes = mailboxes;
        this.limit = limit;
    }

    public boolean enabled() {
        return limit > 0;
    }

    public long limit() {
        return limit;
    }

    public long used(long accountId) {
        return mailboxes.usage(accountId);
    }

    /** Whether {@code bytes} more fit in the account. */
    public boolean allows(long accountId, long bytes) {
        return limit == 0 || used(accountId) + bytes <= limit;
    }
}
