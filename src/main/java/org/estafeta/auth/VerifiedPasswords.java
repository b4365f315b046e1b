package org.estafeta.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passwords that passed an Argon2id check lately, so that the next login with the same password
 * against the same stored hash costs one HMAC instead of ~20 MiB of Argon2 work (clients poll every
 * few minutes; Dovecot's auth cache serves the same purpose). Kept in memory only, keyed by the stored
 * hash (a new password is a new hash, so changing it invalidates the entry), holding HMAC-SHA-256 of
 * the password under a key made at start and never stored. Only successes are remembered.
 */
final class VerifiedPasswords {

    private static final int MAX_ENTRIES = 100_000;

    private record Entry(byte[] mac, long expiresMillis) {
    }

    private final long ttlMillis;
    private final InstantSource clock;
    private final byte[] key = new byte[32];
    private final ConcurrentHashMap<String, Entry> byHash = new ConcurrentHashMap<>();

    VerifiedPasswords(Duration ttl, InstantSource clock) {
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    boolean contains(String storedHash, String password) {
        if (ttlMillis == 0) return false;
        Entry e = byHash.get(storedHash);
        if (e == null) return false;
        if (clock.millis() >= e.expiresMillis) {
            byHash.remove(storedHash, e);
            return false;
        }
        return MessageDigest.isEqual(e.mac, mac(password));
    }

    void add(String storedHash, String password) {
        if (ttlMillis == 0) return;
        long now = clock.millis();
        if (byHash.size() >= MAX_ENTRIES) {
            byHash.values().removeIf(e -> now >= e.expiresMillis);
            if (byHash.size() >= MAX_ENTRIES) byHash.clear();
        }
        byHash.put(storedHash, new Entry(mac(password), now + ttlMillis));
    }

    private byte[] mac(String password) {
        return ScramSha256.hmac(key, password.getBytes(StandardCharsets.UTF_8));
    }
}
