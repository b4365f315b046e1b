package org.estafeta.auth;

import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.estafeta.store.Account;
import org.estafeta.store.Accounts;
import org.estafeta.store.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rehash on login (as Dovecot and Postfix do): SCRAM keys stored at fewer than
 * {@link ScramSha256#ITERATIONS} rounds (4096 before that count was raised), or never stored, are
 * made again from the cleartext of a successful password login, so that old accounts reach the
 * current cost without their owners setting a new password. The PBKDF2 run (~0.3 s of CPU, once per
 * account) happens on its own thread, so the login's reply does not wait for it, and a failure is
 * only logged: the login has already succeeded.
 */
final class ScramRenewal {

    private static final Logger log = LoggerFactory.getLogger(ScramRenewal.class);

    private final Accounts accounts;
    private final SecureRandom random = new SecureRandom();
    /** Accounts being renewed now: a client opening ten IMAP connections at once pays PBKDF2 once. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /**
     * One renewal at a time: after an upgrade every account's first login renews, and a burst of them
     * (a class logging in at 9:00, a benchmark's users) would otherwise take every core for seconds.
     */
    private final Semaphore oneAtATime = new Semaphore(1);
    /** Argon2 hashes (one per account and password) whose SCRAM keys are known current: later logins read nothing. */
    private final Set<String> current = ConcurrentHashMap.newKeySet();

    ScramRenewal(Accounts accounts) {
        this.accounts = accounts;
    }

    /** Renews the account's SCRAM keys from {@code password}, just verified, when they are below the current count. */
    void renew(Account account, String password) {
        String address = account.address();
        if (current.contains(account.passwordHash()) || !running.add(address)) return;
        Thread.ofVirtual().name("scram-renewal").start(() -> {
            try {
                ScramSha256.Keys keys = accounts.credentials(address).map(Credentials::scramSha256).map(ScramSha256.Keys::parse).orElse(null);
                if (keys != null && keys.iterations() >= ScramSha256.ITERATIONS) {
                    current.add(account.passwordHash());
                    return;
                }
                String renewed;
                oneAtATime.acquireUninterruptibly();
                try {
                    renewed = ScramSha256.newKeys(password, random).encode();
                } finally {
                    oneAtATime.release();
                }
                if (accounts.setScramKeys(address, account.passwordHash(), renewed)) {
                    current.add(account.passwordHash());
                    log.info("auth: SCRAM keys of {} renewed from {} to {} rounds", address,
                            keys == null ? "none" : keys.iterations(), ScramSha256.ITERATIONS);
                }
            } catch (RuntimeException e) {
                log.warn("auth: cannot renew the SCRAM keys of {}", address, e);
            } finally {
                running.remove(address);
            }
        });
    }
}
