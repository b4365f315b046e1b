package org.estafeta.store;

/**
 * How much mail an account may keep (RFC 9208 STORAGE): its own quota when the admin set one, else
 * {@code limits.quota}; 0 means no limit.
 */
public final class Quota {

    private final Mailboxes mailboxes;
    private final Accounts accounts;
    /** Bytes per account when the account has no quota of its own; 0 means no quota. */
    private final long defaultLimit;

    public Quota(Mailboxes mailboxes, Accounts accounts, long defaultLimit) {
        if (defaultLimit < 0) throw new IllegalArgumentException("a quota cannot be negative");
        this.mailboxes = mailboxes;
        this.accounts = accounts;
        this.defaultLimit = defaultLimit;
    }

    /** The account's limit in bytes; 0 means none. */
    public long limit(long accountId) {
        return limit(accounts.quota(accountId));
    }

    /** The limit given the account's own quota as already read ({@link Accounts#accountWithQuota}). */
    private long limit(java.util.OptionalLong own) {
        return own.orElse(defaultLimit);
    }

    public boolean enabled(long accountId) {
        return limit(accountId) > 0;
    }

    public long used(long accountId) {
        return mailboxes.usage(accountId);
    }

    /** Whether {@code bytes} more fit in the account. */
    public boolean allows(long accountId, long bytes) {
        return allows(accountId, accounts.quota(accountId), bytes);
    }

    /** {@link #allows(long, long)} with the account's own quota already read: only the usage is asked for. */
    public boolean allows(long accountId, java.util.OptionalLong own, long bytes) {
        long limit = limit(own);
        return limit == 0 || used(accountId) + bytes <= limit;
    }

    /** At or over its limit: nothing more fits. */
    public boolean isFull(long accountId) {
        return isFull(accountId, accounts.quota(accountId));
    }

    /** {@link #isFull(long)} with the account's own quota already read. */
    public boolean isFull(long accountId, java.util.OptionalLong own) {
        long limit = limit(own);
        return limit > 0 && used(accountId) >= limit;
    }
}
