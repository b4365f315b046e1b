package org.estafeta.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.estafeta.net.Connection;
import org.estafeta.store.Account;
import org.estafeta.store.Accounts;
import org.estafeta.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail sessions logged in now (IMAP, POP3, SMTP submission, ManageSieve), by account, so that
 * disabling an account or giving it a new password ends them all: a password known to be stolen must
 * stop working at once, not when the thief's IDLE connection happens to drop. The admin operations of
 * this process end them at once ({@link #end}); a change made elsewhere (the CLI is another process,
 * another node shares the database) is found by a check that re-reads every logged-in account each
 * {@link #CHECK_INTERVAL} and ends the sessions whose account is gone, disabled, or has another
 * password hash than at login. (The web checks its own sessions at each request, the same way.)
 * Ending a session closes its socket: its blocked read or write fails and it ends as on a disconnect.
 */
public final class LiveSessions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveSessions.class);

    /** One indexed read per logged-in account this often: a cut that lags by seconds, for almost no load. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);

    /** A session and the password hash its account had when it logged in. */
    private record Login(String passwordHash, Connection conn) {
    }

    private final Accounts accounts;
    private final ConcurrentHashMap<String, Set<Login>> byAddress = new ConcurrentHashMap<>();
    private volatile Thread checker;

    LiveSessions(Accounts accounts) {
        this.accounts = accounts;
    }

    /** Records a session that has just logged in; it is forgotten once its connection is closed. */
    public void add(Account account, Connection conn) {
        // The one place every protocol passes at login: so the live trace learns whose session it is here.
        conn.loggedIn(account.address());
        Login login = new Login(account.passwordHash(), conn);
        byAddress.compute(account.address(), (a, set) -> {
            Set<Login> s = set != null ? set : ConcurrentHashMap.newKeySet();
            // Closed ones go here too, not only in check(): a client logging in over and over between checks.
            s.removeIf(l -> l.conn().isClosed());
            s.add(login);
            return s;
        });
    }

    /** Ends every session of the account now; how many. */
    public int end(String address) {
        Set<Login> logins = byAddress.remove(address.strip().toLowerCase(Locale.ROOT));
        if (logins == null) return 0;
        int n = 0;
        for (Login l : logins) {
            if (!l.conn().isClosed()) n++;
            cut(l);
        }
        if (n > 0) log.info("auth: {} session(s) of {} ended: the account was disabled, removed or given a new password", n, address);
        return n;
    }

    /** Sessions recorded and not yet seen closed (tests, status). */
    public int count() {
        return byAddress.values().stream().mapToInt(s -> (int) s.stream().filter(l -> !l.conn().isClosed()).count()).sum();
    }

    /** One pass: forgets closed sessions and ends those whose account changed since their login. */
    void check() {
        for (String address : byAddress.keySet()) {
            Optional<Account> now;
            try {
                now = accounts.account(address);
            } catch (StoreException e) {
                log.warn("auth: cannot re-read {} to check its sessions: {}", address, e.toString());
                continue;
            }
            AtomicInteger ended = new AtomicInteger();
            byAddress.computeIfPresent(address, (a, set) -> {
                set.removeIf(l -> {
                    if (l.conn().isClosed()) return true;
                    if (now.isPresent() && !now.get().disabled() && now.get().passwordHash().equals(l.passwordHash())) return false;
                    ended.incrementAndGet();
                    cut(l);
                    return true;
                });
                return set.isEmpty() ? null : set;
            });
            if (ended.get() > 0) {
                log.info("auth: {} session(s) of {} ended: the account was disabled, removed or given a new password", ended.get(), address);
            }
        }
    }

    /** Starts the periodic check (the server; a CLI process has no sessions to check). */
    public void start() {
        checker = Thread.ofVirtual().name("live-sessions").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(CHECK_INTERVAL);
                    check();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.error("auth: checking live sessions failed", e);
                }
            }
        });
    }

    @Override
    public void close() {
        Thread t = checker;
        if (t != null) t.interrupt();
    }

    /** On its own thread: closing a TLS socket may wait for a write the session is blocked in. */
    private static void cut(Login l) {
        Thread.ofVirtual().start(l.conn()::abort);
    }
}
