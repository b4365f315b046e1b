package org.estafeta.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Each account's named Sieve scripts, at most one of them active (RFC 5804 §1.2), and the vacation
 * replies already sent (RFC 5230 §4.2). Shared by ManageSieve, the webmail and delivery.
 */
public interface SieveScripts {

    record Script(String name, String content, boolean active) {
    }

    /** Names and active mark, content included (scripts are small: limits.sieve_script). */
    List<Script> list(long accountId);

    Optional<Script> get(long accountId, String name);

    /** The script delivery runs for this account, if one is active. */
    Optional<Script> active(long accountId);

    /** Creates or replaces the script; an active script stays active. */
    void put(long accountId, String name, String content);

    /** Makes {@code name} the only active script; null deactivates all. Throws {@link Conflict} if there is no such script. */
    void setActive(long accountId, String name);

    /** Throws {@link Conflict} if it does not exist or is active (RFC 5804 §2.10). */
    void delete(long accountId, String name);

    /** Throws {@link Conflict} if {@code from} does not exist or {@code to} does. */
    void rename(long accountId, String from, String to);

    /**
     * Records that a vacation reply to {@code sender} under {@code handle} goes out now, unless one went
     * out within its period: returns true when the caller should send it. Atomic, so two deliveries at
     * once cannot both answer.
     */
    boolean claimVacationReply(long accountId, String sender, String handle, Instant now, Instant until);
}
