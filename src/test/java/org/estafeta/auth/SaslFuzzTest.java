package org.estafeta.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.estafeta.store.Credentials;
import org.estafeta.testing.ScramClient;

/**
 * Server steps of PLAIN, LOGIN and SCRAM-SHA-256 fed what a hostile client may send: raw messages, or
 * well-formed ones built from fuzzed names and passwords whose outcome is known. Nothing may escape
 * {@link SaslExchange#next}, every exchange ends within its mechanism's number of messages, and
 * success comes exactly when the password is right, the account enabled and any authzid its own.
 * Every name is an account here (with a cheap Argon2 hash and one PBKDF2 iteration) so that a try
 * costs microseconds; unknown users and the throttle have their own tests.
 */
class SaslFuzzTest {

    private static final String PASSWORD = "contraseña", DOMAIN = "servidor.es", DISABLED = "baja@" + DOMAIN;
    private static final MemoryAccounts ACCOUNTS = new MemoryAccounts();
    private static final Authenticator AUTH = new Authenticator(ACCOUNTS, new PasswordHasher(),
            new AuthSettings(DOMAIN, 0, 0, 0, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ZERO));
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    private static final ch.qos.logback.classic.Level LOG_LEVEL_BEFORE = org.estafeta.testing.QuietLogs.off();

    @org.junit.jupiter.api.AfterAll
    static void restoreLogging() {
        org.estafeta.testing.QuietLogs.restore(LOG_LEVEL_BEFORE);
    }

    static {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Credentials cheap = new Credentials(cheapArgon2(salt), ScramSha256.keys(PASSWORD, salt, 1).encode());
        ACCOUNTS.admitEveryone(cheap);
        ACCOUNTS.put(DISABLED, cheap, true);
    }

    @FuzzTest
    void exchanges(FuzzedDataProvider data) {
        SaslMechanism mechanism = data.pickValue(SaslMechanism.values());
        if (data.consumeBoolean()) raw(mechanism, data);
        else wellFormed(mechanism, data);
    }

    /** Arbitrary client messages: the exchange ends in time, and never with success by chance. */
    private static void raw(SaslMechanism mechanism, FuzzedDataProvider data) {
        SaslExchange exchange = AUTH.start(mechanism, CLIENT);
        for (int i = 0; i < 4; i++) {
            byte[] message = data.consumeBoolean() ? null : data.consumeBytes(data.consumeInt(0, 300));
            SaslStep step = exchange.next(message);
            switch (step) {
                case SaslStep.Challenge c -> assertThat(i).as("messages before the end").isLessThan(mechanism == SaslMechanism.PLAIN ? 1 : 2);
                case SaslStep.Failure f -> {
                    return;
                }
                case SaslStep.Success s -> {
                    assertThat(mechanism).isNotEqualTo(SaslMechanism.SCRAM_SHA_256);
                    String text = new String(message, StandardCharsets.UTF_8);
                    assertThat(text).endsWith(PASSWORD);
                    assertThat(s.account().disabled()).isFalse();
                    return;
                }
            }
        }
        throw new AssertionError(mechanism + " did not end after 4 messages");
    }

    /** Messages as a client builds them from a name, an authzid and a password: the outcome is known. */
    private static void wellFormed(SaslMechanism mechanism, FuzzedDataProvider data) {
        String user = data.consumeString(40);
        String authzid = data.consumeBoolean() ? "" : data.consumeString(40);
        String password = data.consumeBoolean() ? PASSWORD : data.consumeString(40);
        if (!sameInUtf8(user) || !sameInUtf8(authzid) || !sameInUtf8(password)) return;
        String address = AUTH.qualify(user);
        boolean sameAccount = authzid.isEmpty() || AUTH.qualify(authzid).equals(address);
        boolean rightPassword = password.equals(PASSWORD) && ACCOUNTS.admitted(address) && !address.equals(DISABLED);
        // PLAIN and LOGIN take the authcid exactly as sent (RFC 4616 §2; RFC 4013 §2.3 prohibits control
        // characters in it): a name ending with CR or LF (base64 of "echo name") is not the account's name,
        // even though qualify() would strip it, and fails with a hint (LineBreakHint).
        boolean nameAsTyped = !user.endsWith("\n") && !user.endsWith("\r");
        SaslExchange exchange = AUTH.start(mechanism, CLIENT);
        SaslStep end = switch (mechanism) {
            case PLAIN -> {
                String message = authzid + "\0" + user + "\0" + password;
                boolean wellFormed = !user.isEmpty() && message.chars().filter(c -> c == 0).count() == 2;
                SaslStep step = exchange.next(message.getBytes(StandardCharsets.UTF_8));
                assertThat(step instanceof SaslStep.Success).as("PLAIN %s -> %s", printable(message), step)
                        .isEqualTo(wellFormed && sameAccount && rightPassword && nameAsTyped);
                if (wellFormed && sameAccount && !nameAsTyped) assertThat(step).isEqualTo(hinted(user, password));
                yield step;
            }
            case LOGIN -> {
                assertThat(exchange.next(null)).isInstanceOf(SaslStep.Challenge.class);
                SaslStep step = exchange.next(user.getBytes(StandardCharsets.UTF_8));
                if (user.isEmpty()) {
                    assertThat(step).isInstanceOf(SaslStep.Failure.class);
                    yield step;
                }
                assertThat(step).isInstanceOf(SaslStep.Challenge.class);
                step = exchange.next(password.getBytes(StandardCharsets.UTF_8));
                assertThat(step instanceof SaslStep.Success).as("LOGIN %s %s -> %s", printable(user), printable(password), step)
                        .isEqualTo(rightPassword && nameAsTyped);
                if (!nameAsTyped) assertThat(step).isEqualTo(hinted(user, password));
                yield step;
            }
            case SCRAM_SHA_256 -> scram(exchange, user, password, rightPassword || (sameHmacKey(password) && ACCOUNTS.admitted(address)
                    && !address.equals(DISABLED)));
        };
        assertThat(end).isNotInstanceOf(SaslStep.Challenge.class);
        if (end instanceof SaslStep.Success s) {
            assertThat(s.account().address()).isEqualTo(address);
            assertThat(s.account().disabled()).isFalse();
        }
    }

    /** The client sends no authzid ("n,,"); it proves the password it was given, which is right or not. */
    private static SaslStep scram(SaslExchange exchange, String user, String password, boolean shouldSucceed) {
        ScramClient client = new ScramClient(user, password);
        SaslStep first = exchange.next(client.clientFirst());
        if (!(first instanceof SaslStep.Challenge challenge)) {
            assertThat(user).as("refused at client-first").isEmpty();
            return first;
        }
        assertThat(user).isNotEmpty();
        SaslStep end = exchange.next(client.clientFinal(challenge.data()));
        assertThat(end instanceof SaslStep.Success).as("SCRAM %s %s -> %s", printable(user), printable(password), end)
                .isEqualTo(shouldSucceed);
        if (end instanceof SaslStep.Success s) assertThat(client.verifyServerFinal(s.additionalData())).isTrue();
        return end;
    }

    /**
     * HMAC pads a key shorter than its block (64 bytes for SHA-256) with zeros (RFC 2104 §2), so PBKDF2, and with it
     * SCRAM's proof, cannot tell the password from the password followed by NULs. The server only sees the proof; a
     * client applying SASLprep (RFC 5802 §5.1, RFC 4013 §2.3) refuses a NUL. Found by fuzzing: it is HMAC, not a bug.
     */
    private static boolean sameHmacKey(String password) {
        byte[] typed = password.getBytes(StandardCharsets.UTF_8);
        byte[] right = PASSWORD.getBytes(StandardCharsets.UTF_8);
        if (typed.length < right.length || typed.length > 64 || !Arrays.equals(typed, 0, right.length, right, 0, right.length)) return false;
        for (int i = right.length; i < typed.length; i++) if (typed[i] != 0) return false;
        return true;
    }

    /** The failure a name ending with a line break gets, whatever the password: a wrong login, with why. */
    private static SaslStep.Failure hinted(String user, String password) {
        return new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS, LineBreakHint.of(user, password));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : Character.toString(c)));
        return b.toString();
    }

    private static boolean sameInUtf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
    }

    /** An Argon2id hash at the smallest cost the verifier accepts. */
    private static String cheapArgon2(byte[] salt) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(8).withIterations(1).withParallelism(1).withSalt(salt).build());
        byte[] hash = new byte[32];
        generator.generateBytes(PASSWORD.getBytes(StandardCharsets.UTF_8), hash);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=8,t=1,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }
}
