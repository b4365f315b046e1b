package org.estafeta.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import org.estafeta.store.WebLogins;

/**
 * Logged-in browsers, kept in the store ({@link WebLogins}) so that every node of a cluster serves
 * every browser and a logout, an expiry, a disabled account or a new password ends a session
 * everywhere. The cookie carries a token of 256 random bits; the store keeps only its SHA-256, so the
 * database (or a backup of it) logs nobody in. Each session has its own CSRF token. Idle sessions
 * expire after {@code web.session_timeout}; a request records its use only when the last record is a
 * tenth of that old, so browsing costs one read per request, not a write.
 */
final class WebSessions {

    /** Swept at most this often (on a login), so that sessions nobody logged out of do not pile up. */
    private static final long SWEEP_EVERY_MILLIS = 60_000;

    /** One login, as this request read it. */
    static final class Session {
        /** The SHA-256 of the cookie's token: the session's name in the store. */
        final String id;
        final long accountId;
        final String address;
        final String csrf;
        /** A message for the next page this session sees ("Message sent."), then gone: never from the URL. */
        final String notice, error;
        private final WebSessions owner;

        private Session(WebLogins.WebLogin row, WebSessions owner) {
            this.id = row.tokenHash();
            this.accountId = row.accountId();
            this.address = row.address();
            this.csrf = row.csrf();
            this.notice = row.notice();
            this.error = row.error();
            this.owner = owner;
        }

        /** Leaves a notice for the next page, on whichever node serves it. */
        void notice(String text) {
            owner.store.note(id, text, null);
        }

        void error(String text) {
            owner.store.note(id, null, text);
        }

        /** The page that shows the message takes it. */
        void noticeShown() {
            if (notice != null || error != null) owner.store.note(id, null, null);
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final WebLogins store;
    private final long timeoutMillis;
    private final InstantSource clock;
    private volatile long lastSweep;

    WebSessions(WebLogins store, Duration timeout, InstantSource clock) {
        this.store = store;
        this.timeoutMillis = timeout.toMillis();
        this.clock = clock;
    }

    String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Starts a session for the account; the token for its cookie. */
    String create(long accountId) {
        long now = clock.millis();
        if (now - lastSweep >= SWEEP_EVERY_MILLIS) {
            lastSweep = now;
            store.expire(now - timeoutMillis);
        }
        String token = token();
        store.add(hash(token), accountId, token(), now);
        return token;
    }

    /** The session a cookie's token names, unless it ended or expired. */
    Optional<Session> get(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        String id = hash(token);
        WebLogins.WebLogin row = store.find(id).orElse(null);
        if (row == null) return Optional.empty();
        long now = clock.millis();
        if (now - row.lastSeen() > timeoutMillis) {
            store.remove(id);
            return Optional.empty();
        }
        if (now - row.lastSeen() >= timeoutMillis / 10) store.touch(id, now);
        return Optional.of(new Session(row, this));
    }

    void remove(Session session) {
        store.remove(session.id);
    }

    /** Ends every session of an account (deleted, disabled or given a new password), on every node. */
    void removeAccount(long accountId) {
        store.removeAccount(accountId);
    }

    /** Sessions in use, on every node. */
    int count() {
        return store.count(clock.millis() - timeoutMillis);
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
