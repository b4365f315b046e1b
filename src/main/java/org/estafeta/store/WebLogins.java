package org.estafeta.store;

import java.util.Optional;

/**
 * Web sessions, kept where every node sees them (the database), so that a browser logged in through
 * one node is served by any other, and a logout, an expiry or an account's new password or disabling
 * ends its sessions everywhere at once. Only a hash of the cookie's token is kept. The
 * {@link Accounts} store ends an account's sessions in the same transaction that disables it or sets
 * its credentials, and a removed account's go with it.
 */
public interface WebLogins {

    /** One session, as read with its account's address; times in epoch ms. */
    record WebLogin(String tokenHash, long accountId, String address, String csrf, long lastSeen, String notice, String error) {
    }

    void add(String tokenHash, long accountId, String csrf, long now);

    Optional<WebLogin> find(String tokenHash);

    /** Records a use of the session. */
    void touch(String tokenHash, long now);

    /** Sets the message for the session's next page (null clears it). */
    void note(String tokenHash, String notice, String error);

    void remove(String tokenHash);

    /** Ends every session of the account; how many. */
    int removeAccount(long accountId);

    /** Ends the sessions unused since before {@code lastSeenBefore}; how many. */
    int expire(long lastSeenBefore);

    /** Sessions used since {@code lastSeenSince}, on every node. */
    int count(long lastSeenSince);
}
