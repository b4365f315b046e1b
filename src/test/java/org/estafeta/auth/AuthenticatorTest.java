package org.estafeta.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.estafeta.testing.ScramClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The authenticator and its SASL exchanges without a network: outcomes, throttle, cache, mechanisms. */
class AuthenticatorTest {

    private static final String PASSWORD = "contraseña";
    private static final PasswordHasher HASHER = new PasswordHasher();
    private static final org.estafeta.store.Credentials CREDENTIALS = HASHER.credentials(PASSWORD);

    /** A clock the test moves by hand. */
    private static final class FakeClock implements InstantSource {
        long millis = 1_000_000;

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final FakeClock clock = new FakeClock();
    private MemoryAccounts accounts;
    private Authenticator auth;
    private InetAddress client, other;

    @BeforeEach
    void setUp() throws Exception {
        accounts = new MemoryAccounts();
        accounts.put("usuario@servidor.es", CREDENTIALS, false);
        accounts.put("baja@servidor.es", CREDENTIALS, true);
        auth = new Authenticator(accounts, HASHER, settings(3, 5, 10), clock);
        client = InetAddress.getByName("192.0.2.1");
        other = InetAddress.getByName("192.0.2.2");
    }

    private static AuthSettings settings(int perAddress, int perLogin, int perAccount) {
        return new AuthSettings("servidor.es", perAddress, perLogin, perAccount, Duration.ofSeconds(60), Duration.ofSeconds(8),
                Duration.ofSeconds(300));
    }

    /** One student's typos block that student on that machine, not the class behind the same address. */
    @Test
    void failuresPerAddressAndAccountBlockOnlyThatPair() throws Exception {
        accounts.put("otra@servidor.es", CREDENTIALS, false);
        auth = new Authenticator(accounts, HASHER, settings(100, 3, 10), clock);
        for (int i = 0; i < 3; i++) auth.login(client, "usuario", "mal" + i, "test");
        assertThat(failure(auth.login(client, "usuario", PASSWORD, "test"))).isEqualTo(AuthFailure.THROTTLED);
        assertThat(auth.login(client, "otra", PASSWORD, "test")).as("another account, same address").isInstanceOf(AuthResult.Success.class);
        assertThat(auth.login(other, "usuario", PASSWORD, "test")).as("same account, another address").isInstanceOf(AuthResult.Success.class);
        assertThat(auth.blocks()).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo("login");
            assertThat(b.subject()).isEqualTo("192.0.2.1 usuario@servidor.es");
        });
        assertThat(auth.unblock("usuario")).isPositive();
        assertThat(auth.blocks()).isEmpty();
        assertThat(auth.login(client, "usuario", PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
    }

    /** Guesses at one account from many addresses meet a doubling delay, not a lock-out that would shut its owner out. */
    @Test
    void failuresAtOneAccountFromManyAddressesGrowADelay() throws Exception {
        auth = new Authenticator(accounts, HASHER, settings(100, 100, 3), clock);
        for (int i = 0; i < 3; i++) auth.login(InetAddress.getByName("198.51.100." + i), "usuario", "mal", "test");
        InetAddress next = InetAddress.getByName("198.51.100.9");
        assertThat(failure(auth.login(next, "usuario", PASSWORD, "test"))).as("1 s delay").isEqualTo(AuthFailure.THROTTLED);
        clock.millis += 1_000;
        assertThat(failure(auth.login(next, "usuario", "mal", "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
        clock.millis += 1_000;
        assertThat(failure(auth.login(next, "usuario", PASSWORD, "test"))).as("2 s delay now").isEqualTo(AuthFailure.THROTTLED);
        assertThat(auth.blocks()).singleElement().satisfies(b -> assertThat(b.kind()).isEqualTo("account"));
        clock.millis += 1_000;
        assertThat(auth.login(next, "usuario", PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
        assertThat(auth.login(client, "usuario", "mal", "test")).as("the success cleared the count")
                .isEqualTo(new AuthResult.Failure(AuthFailure.INVALID_CREDENTIALS));
        for (int i = 0; i < 6; i++) {
            clock.millis += 8_000;
            assertThat(failure(auth.login(next, "usuario", "mal", "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
        }
        assertThat(auth.blocks()).singleElement().satisfies(b ->
                assertThat(b.until()).as("never longer than auth.max_delay").isBeforeOrEqualTo(Instant.ofEpochMilli(clock.millis + 8_000)));
    }

    /**
     * A user name of spaces only is no account: it fails like any wrong login and counts against the
     * address (found by SaslFuzzTest: AUTH LOGIN with "IA==" as the name threw out of the exchange).
     */
    @Test
    void blankUserNameFailsAndCountsOnlyAgainstTheAddress() {
        for (int i = 0; i < 3; i++) assertThat(failure(auth.login(client, " ", "mal", "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
        assertThat(auth.blocks()).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo("address");
            assertThat(b.subject()).isEqualTo("192.0.2.1");
        });
        assertThat(failure(auth.login(client, "  ", "mal", "test"))).isEqualTo(AuthFailure.THROTTLED);
        SaslExchange login = auth.start(SaslMechanism.LOGIN, other);
        login.next(null);
        login.next(" ".getBytes(StandardCharsets.UTF_8));
        assertThat(login.next("mal".getBytes(StandardCharsets.UTF_8))).isEqualTo(new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS));
    }

    private AuthFailure failure(AuthResult r) {
        assertThat(r).isInstanceOf(AuthResult.Failure.class);
        return ((AuthResult.Failure) r).reason();
    }

    @Test
    void passwordLoginWithFullOrBareName() {
        assertThat(auth.login(client, "usuario@servidor.es", PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
        AuthResult r = auth.login(client, "Usuario", PASSWORD, "test");
        assertThat(((AuthResult.Success) r).account().address()).isEqualTo("usuario@servidor.es");
    }

    @Test
    void wrongPasswordUnknownUserAndDisabledAccountAllGetTheSameAnswer() {
        assertThat(failure(auth.login(client, "usuario", "mal", "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
        assertThat(failure(auth.login(client, "nadie", PASSWORD, "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
        assertThat(failure(auth.login(other, "baja", PASSWORD, "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
    }

    @Test
    void failuresPerAddressAreThrottledUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) auth.login(client, "usuario", "mal" + i, "test");
        assertThat(failure(auth.login(client, "usuario", PASSWORD, "test"))).isEqualTo(AuthFailure.THROTTLED);
        assertThat(next(auth.start(SaslMechanism.PLAIN, client), plain("", "usuario", PASSWORD)))
                .isEqualTo(new SaslStep.Failure(AuthFailure.THROTTLED));
        assertThat(auth.login(other, "usuario", PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
        clock.millis += 59_000;
        assertThat(failure(auth.login(client, "usuario", PASSWORD, "test"))).isEqualTo(AuthFailure.THROTTLED);
        clock.millis += 1_000;
        assertThat(auth.login(client, "usuario", PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void cachedPasswordStillChecksAndFollowsAPasswordChange() {
        assertThat(auth.login(client, "usuario", PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
        long start = System.nanoTime();
        assertThat(auth.login(client, "usuario", PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("served from the cache").isLessThan(Duration.ofMillis(500));
        assertThat(failure(auth.login(client, "usuario", PASSWORD + "x", "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
        accounts.setCredentials("usuario@servidor.es", HASHER.credentials("nueva"));
        assertThat(failure(auth.login(client, "usuario", PASSWORD, "test"))).isEqualTo(AuthFailure.INVALID_CREDENTIALS);
        assertThat(auth.login(client, "usuario", "nueva", "test")).isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void plainWithAndWithoutInitialResponse() {
        SaslExchange e = auth.start(SaslMechanism.PLAIN, client);
        assertThat(e.next(null)).isInstanceOfSatisfying(SaslStep.Challenge.class, c -> assertThat(c.data()).isEmpty());
        assertThat(e.next(plain("", "usuario@servidor.es", PASSWORD))).isInstanceOf(SaslStep.Success.class);
        assertThat(next(auth.start(SaslMechanism.PLAIN, client), plain("usuario@servidor.es", "usuario", PASSWORD)))
                .isInstanceOf(SaslStep.Success.class);
        assertThat(next(auth.start(SaslMechanism.PLAIN, client), plain("baja", "usuario", PASSWORD)))
                .isEqualTo(new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS));
        assertThat(next(auth.start(SaslMechanism.PLAIN, client), "usuario contraseña".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SaslStep.Failure(AuthFailure.MALFORMED));
        assertThat(next(auth.start(SaslMechanism.PLAIN, client), new byte[] {0, 'u', 0, (byte) 0xff}))
                .isEqualTo(new SaslStep.Failure(AuthFailure.MALFORMED));
    }

    @Test
    void loginAsksForUserNameThenPassword() {
        SaslExchange e = auth.start(SaslMechanism.LOGIN, client);
        assertThat(text(e.next(null))).isEqualTo("Username:");
        assertThat(text(e.next(bytes("usuario")))).isEqualTo("Password:");
        assertThat(e.next(bytes(PASSWORD))).isInstanceOfSatisfying(SaslStep.Success.class,
                s -> assertThat(s.account().address()).isEqualTo("usuario@servidor.es"));
        SaslExchange withInitial = auth.start(SaslMechanism.LOGIN, client);
        assertThat(text(withInitial.next(bytes("usuario")))).isEqualTo("Password:");
        assertThat(withInitial.next(bytes("mal"))).isEqualTo(new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS));
    }

    /** New keys cost OWASP's 600,000 rounds; keys stored at 4096 before that still log in, at their own count. */
    @Test
    void scramUsesTheIterationCountStoredWithEachVerifier() {
        accounts.setCredentials("usuario@servidor.es", new org.estafeta.store.Credentials(CREDENTIALS.passwordHash(),
                ScramSha256.keys(PASSWORD, new byte[16], 4096).encode()));
        ScramClient old = new ScramClient("usuario", PASSWORD);
        SaslExchange e = auth.start(SaslMechanism.SCRAM_SHA_256, client);
        e.next(null);
        byte[] serverFirst = ((SaslStep.Challenge) e.next(old.clientFirst())).data();
        assertThat(new String(serverFirst, StandardCharsets.UTF_8)).endsWith(",i=4096");
        assertThat(e.next(old.clientFinal(serverFirst))).isInstanceOf(SaslStep.Success.class);

        accounts.setCredentials("usuario@servidor.es", HASHER.credentials(PASSWORD));
        ScramClient renewed = new ScramClient("usuario", PASSWORD);
        e = auth.start(SaslMechanism.SCRAM_SHA_256, client);
        e.next(null);
        serverFirst = ((SaslStep.Challenge) e.next(renewed.clientFirst())).data();
        assertThat(new String(serverFirst, StandardCharsets.UTF_8)).endsWith(",i=600000");
        assertThat(e.next(renewed.clientFinal(serverFirst))).isInstanceOf(SaslStep.Success.class);
    }

    /** Rehash on login: a password login renews keys stored at 4096 rounds, and SCRAM then works at the current count. */
    @Test
    void passwordLoginRenewsScramKeysStoredAtAnOldIterationCount() {
        accounts.setCredentials("usuario@servidor.es", new org.estafeta.store.Credentials(CREDENTIALS.passwordHash(),
                ScramSha256.keys(PASSWORD, new byte[16], 4096).encode()));
        assertThat(next(auth.start(SaslMechanism.PLAIN, client), plain("", "usuario", PASSWORD))).isInstanceOf(SaslStep.Success.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ScramSha256.Keys.parse(accounts.credentials("usuario@servidor.es").orElseThrow().scramSha256()).iterations())
                        .isEqualTo(ScramSha256.ITERATIONS));
        assertThat(accounts.credentials("usuario@servidor.es").orElseThrow().passwordHash()).isEqualTo(CREDENTIALS.passwordHash());
        ScramClient c = new ScramClient("usuario", PASSWORD);
        SaslExchange e = auth.start(SaslMechanism.SCRAM_SHA_256, client);
        e.next(null);
        byte[] serverFirst = ((SaslStep.Challenge) e.next(c.clientFirst())).data();
        assertThat(new String(serverFirst, StandardCharsets.UTF_8)).endsWith(",i=" + ScramSha256.ITERATIONS);
        assertThat(e.next(c.clientFinal(serverFirst))).isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void scramSucceedsAndProvesTheServer() {
        ScramClient c = new ScramClient("usuario", PASSWORD);
        SaslExchange e = auth.start(SaslMechanism.SCRAM_SHA_256, client);
        assertThat(e.next(null)).isInstanceOf(SaslStep.Challenge.class);
        SaslStep first = e.next(c.clientFirst());
        SaslStep last = e.next(c.clientFinal(((SaslStep.Challenge) first).data()));
        assertThat(last).isInstanceOfSatisfying(SaslStep.Success.class, s -> {
            assertThat(s.account().address()).isEqualTo("usuario@servidor.es");
            assertThat(c.verifyServerFinal(s.additionalData())).isTrue();
        });
    }

    @Test
    void scramFailsForWrongPasswordUnknownUserAndDisabledAccount() {
        assertThat(scram("usuario", "mal")).isEqualTo(new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS));
        assertThat(scram("baja", PASSWORD)).isEqualTo(new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS));
        assertThat(scram("nadie", PASSWORD)).isEqualTo(new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS));
        assertThat(scram("usuario", PASSWORD)).as("three failures from this address").isEqualTo(new SaslStep.Failure(AuthFailure.THROTTLED));
    }

    @Test
    void scramGivesUnknownUsersAStableSaltSoNamesCannotBeProbed() {
        String a = serverFirst("nadie"), b = serverFirst("nadie");
        assertThat(salt(a)).isEqualTo(salt(b)).isNotEqualTo(salt(serverFirst("otro")));
        assertThat(a).contains(",i=600000");
    }

    @Test
    void scramRefusesChannelBindingAndBadMessages() {
        assertThat(next(auth.start(SaslMechanism.SCRAM_SHA_256, client), bytes("p=tls-unique,,n=usuario,r=abc")))
                .isEqualTo(new SaslStep.Failure(AuthFailure.MALFORMED));
        assertThat(next(auth.start(SaslMechanism.SCRAM_SHA_256, client), bytes("n,,n=us=rio,r=abc")))
                .isEqualTo(new SaslStep.Failure(AuthFailure.MALFORMED));
        assertThat(next(auth.start(SaslMechanism.SCRAM_SHA_256, client), bytes("n,,r=abc")))
                .isEqualTo(new SaslStep.Failure(AuthFailure.MALFORMED));
        SaslExchange e = auth.start(SaslMechanism.SCRAM_SHA_256, client);
        e.next(bytes("n,,n=usuario,r=abc"));
        assertThat(e.next(bytes("c=biws,r=abcWRONG,p=AAAA"))).isEqualTo(new SaslStep.Failure(AuthFailure.INVALID_CREDENTIALS));
    }

    private SaslStep scram(String user, String password) {
        ScramClient c = new ScramClient(user, password);
        SaslExchange e = auth.start(SaslMechanism.SCRAM_SHA_256, client);
        SaslStep first = e.next(c.clientFirst());
        if (!(first instanceof SaslStep.Challenge ch)) return first;
        return e.next(c.clientFinal(ch.data()));
    }

    private String serverFirst(String user) {
        SaslStep s = auth.start(SaslMechanism.SCRAM_SHA_256, other).next(new ScramClient(user, "x").clientFirst());
        return text(s);
    }

    private static String salt(String serverFirst) {
        return serverFirst.replaceAll(".*,s=([^,]+),.*", "$1");
    }

    private static SaslStep next(SaslExchange e, byte[] response) {
        return e.next(response);
    }

    private static byte[] plain(String authzid, String authcid, String password) {
        return (authzid + "\0" + authcid + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(SaslStep step) {
        assertThat(step).isInstanceOf(SaslStep.Challenge.class);
        return new String(((SaslStep.Challenge) step).data(), StandardCharsets.UTF_8);
    }
}
