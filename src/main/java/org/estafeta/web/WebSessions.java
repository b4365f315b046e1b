package org.estafeta.web;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in browsers, in memory (a restart logs everybody out, which is acceptable for webmail). The
 * session id is 256 random bits; each session has its own CSRF token. Idle sessions expire.
 */
final class WebSessions {

    /** One login. {@code lastSeen} moves on each request. */
    static final class Session {
        final String id;
        final long accountId;
        final String address;
        final String csrf;
        /** The account's password hash at login: when it changes (a new password set anywhere), the session ends. */
        final String credential;
        volatile Instant lastSeen;
        /** A message for the next page this session sees ("Message sent."), then gone: never from the URL. */
        volatile String notice, error;

        Session(String id, long accountId, String address, String csrf, String credential) {
            this.credential = credential;
            this.id = id;
            this.accountId = accountId;
            this.address = address;
            this.csrf = csrf;
            this.lastSeen = Instant.now();
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration timeout;

    WebSessions(Duration timeout) {
        this.timeout = timeout;
    }

    String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    Session create(long accountId, String address, String credential) {
        if (sessions.size() > 10_000) expire();
        Session s = new Session(token(), accountId, address, token(), credential);
        sessions.put(s.id, s);
        return s;
    }

    Optional<Session> get(String id) {
        if (id == null) return Optional.empty();
        Session s = sessions.get(id);
        if (s == null) return Optional.empty();
        Instant now = Instant.now();
        if (s.lastSeen.plus(timeout).isBefore(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        s.lastSeen = now;
        return Optional.of(s);
    }

    void remove(String id) {
        if (id != null) sessions.remove(id);
    }

    /** Ends every session of an account (deleted, disabled or given a new password). */
    void removeAccount(long accountId) {
        sessions.values().removeIf(s -> s.accountId == accountId);
    }

    int count() {
        return sessions.size();
    }

    private void expire() {
        Instant limit = Instant.now().minus(timeout);
        sessions.values().removeIf(s -> s.lastSeen.isBefore(limit));
    }
}
