package org.estafeta.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Domains we serve, the accounts in them and the aliases that point at them. */
public interface Accounts {

    /** Mailboxes every new account gets, with their RFC 6154 special-use attribute (null for INBOX). */
    Map<String, String> DEFAULT_MAILBOXES = defaultMailboxes();

    void addDomain(String domain);

    /** Refused with {@link Conflict} while accounts or aliases still live in the domain. */
    void removeDomain(String domain);

    List<String> domains();

    boolean servesDomain(String domain);

    /** Creates the account and its {@link #DEFAULT_MAILBOXES} in one transaction. */
    Account addAccount(String address, String passwordHash, boolean admin);

    /** Sets the Argon2 hash only; SCRAM keys stored before are dropped, since they belong to the old password. */
    void setPassword(String address, String passwordHash);

    /** As {@link #addAccount(String, String, boolean)}, storing every credential made from the password. */
    Account addAccount(String address, Credentials credentials, boolean admin);

    /** Replaces every stored credential of the account at once. */
    void setCredentials(String address, Credentials credentials);

    /**
     * Replaces the SCRAM keys alone, and only while the Argon2 hash is still {@code passwordHash}: keys
     * re-derived from a password at login must not land on an account whose password was changed
     * meanwhile. Web sessions stay (the password is the same). False when nothing was replaced.
     */
    boolean setScramKeys(String address, String passwordHash, String scramSha256);

    /** What is stored to check the account's password; empty when there is no such account. */
    Optional<Credentials> credentials(String address);

    /** Removes the account with its mailboxes and messages (blobs are collected separately). */
    void removeAccount(String address);

    List<Account> accounts();

    /** The account's own quota in bytes (0 = none), or empty when limits.quota applies. */
    java.util.OptionalLong quota(long accountId);

    /** Sets the account's own quota in bytes (0 = unlimited), or null to return to limits.quota. */
    void setQuota(String address, Long bytes);

    /** A disabled account cannot log in and receives no mail; its mail is kept. */
    void setDisabled(String address, boolean disabled);

    /** Stores the SHA-256 (hex) of a new admin API token for the account. */
    void addApiToken(long accountId, String name, String tokenHash);

    /** Every admin API token, oldest first. */
    List<ApiToken> apiTokens();

    /** Forgets a token (by its SHA-256 hex); false when there was none. */
    boolean removeApiToken(String tokenHash);

    /** The account an API token (by its SHA-256 hex) belongs to. */
    Optional<Account> accountByApiToken(String tokenHash);

    Optional<Account> account(String address);

    /** An account with its own quota (empty when limits.quota applies), read together. */
    record WithQuota(Account account, java.util.OptionalLong quota) {
    }

    /**
     * The account at {@code address} and its quota in one lookup: RCPT routes by it and then knows
     * whether the mailbox is full without asking for the quota again (nor again at DATA).
     */
    default Optional<WithQuota> accountWithQuota(String address) {
        return account(address).map(a -> new WithQuota(a, quota(a.id())));
    }

    /** Adds targets to an alias; {@code @domain} as the alias is that domain's catch-all. */
    void addAlias(String alias, List<String> targets);

    void removeAlias(String alias);

    /** Every alias with its targets, sorted by alias. */
    Map<String, List<String>> aliases();

    /** The targets of exactly this alias address (not the catch-all), empty when none. */
    List<String> aliasTargets(String address);

    /**
     * The addresses that are the account's own: its address and every alias with it among the
     * targets (catch-alls are not an address of anyone's), lower case, the account's first; empty
     * when there is no such account.
     */
    List<String> ownAddresses(long accountId);

    private static Map<String, String> defaultMailboxes() {
        var m = new java.util.LinkedHashMap<String, String>();
        m.put("INBOX", null);
        m.put("Sent", "\\Sent");
        m.put("Drafts", "\\Drafts");
        m.put("Trash", "\\Trash");
        m.put("Junk", "\\Junk");
        m.put("Archive", "\\Archive");
        return java.util.Collections.unmodifiableMap(m);
    }
}
