package org.estafeta.store;

/**
 * What is stored to check an account's password, made in one place from the plaintext (see
 * auth.PasswordHasher#credentials). The store keeps both strings as they are and never looks inside.
 *
 * @param passwordHash Argon2id PHC string, for USER/PASS, LOGIN and SASL PLAIN
 * @param scramSha256 SCRAM-SHA-256 salt, iteration count and keys in RFC 5803 form
 *                    ({@code SCRAM-SHA-256$i:salt$StoredKey:ServerKey}); null when unavailable
 */
public record Credentials(String passwordHash, String scramSha256) {

    public Credentials {
        if (passwordHash == null || passwordHash.isEmpty()) throw new IllegalArgumentException("a password hash is required");
    }

    @Override
    public String toString() {
        return "Credentials[…]";
    }
}
