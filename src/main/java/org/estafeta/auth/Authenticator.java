package org.estafeta.auth;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import java.util.Optional;
import java.security.SecureRandom;
import org.estafeta.net.ClientText;
import org.estafeta.store.Account;
import org.estafeta.store.Accounts;
import org.estafeta.store.Credentials;
import org.estafeta.store.LocalLoginFailures;
import org.estafeta.store.LoginFailures;
import org.estafeta.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks who a client is, for every protocol: a name and password (USER/PASS, IMAP LOGIN, SASL PLAIN
 * and LOGIN) against the Argon2id hash, or a SCRAM-SHA-256 proof against the stored keys. Unknown
 * users, wrong passwords and disabled accounts get the same answer and cost the same time; failures
 * are counted per client address and, past {@link AuthSettings#maxFailures()}, refused unchecked.
 * Each failure is logged with the user name and address, never with anything secret.
 */
public final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    private final Accounts accounts;
    private final PasswordHasher hasher;
    private final AuthSettings settings;
    private final FailureThrottle throttle;
    private final List<java.util.function.Consumer<String>> failureListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final VerifiedPasswords verified;
    private final LiveSessions sessions;
    private final ScramRenewal scramKeys;
    /** Makes stable fake SCRAM salts for unknown users, so that probing names learns nothing. Never stored. */
    private final byte[] secret = new byte[32];
    /** Verified against when the user is unknown, so that the answer takes as long as for a real one. */
    private volatile String dummyHash;

    /** With the failed-login counts in this process's memory (one node). */
    public Authenticator(Accounts accounts, PasswordHasher hasher, AuthSettings settings) {
        this(accounts, hasher, settings, new LocalLoginFailures());
    }

    /** With the failed-login counts where {@code failures} keeps them (the shared database of a cluster). */
    public Authenticator(Accounts accounts, PasswordHasher hasher, AuthSettings settings, LoginFailures failures) {
        this(accounts, hasher, settings, InstantSource.system(), failures);
    }

    Authenticator(Accounts accounts, PasswordHasher hasher, AuthSettings settings, InstantSource clock) {
        this(accounts, hasher, settings, clock, new LocalLoginFailures());
    }

    private Authenticator(Accounts accounts, PasswordHasher hasher, AuthSettings settings, InstantSource clock, LoginFailures failures) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.settings = settings;
        this.throttle = new FailureThrottle(settings, clock, failures);
        this.verified = new VerifiedPasswords(settings.cacheTtl(), clock);
        this.sessions = new LiveSessions(accounts);
        this.scramKeys = new ScramRenewal(accounts);
        new SecureRandom().nextBytes(secret);
    }

    /** Starts a SASL exchange for a client. */
    public SaslExchange start(SaslMechanism mechanism, InetAddress client) {
        return switch (mechanism) {
            case PLAIN -> new PlainExchange(this, client);
            case LOGIN -> new LoginExchange(this, client);
            case SCRAM_SHA_256 -> new ScramExchange(this, client);
        };
    }

    /** Checks a user name (an address, or a bare name in the default domain) and password; {@code method} is for the log. */
    public AuthResult login(InetAddress client, String user, String password, String method) {
        if (blocked(client, user, method)) return new AuthResult.Failure(AuthFailure.THROTTLED);
        String address = qualify(user);
        Optional<Account> found;
        try {
            found = accounts.account(address);
        } catch (StoreException e) {
            log.error("auth {} for {} from {}: cannot read the account", method, ClientText.printable(user), client.getHostAddress(), e);
            return new AuthResult.Failure(AuthFailure.UNAVAILABLE);
        }
        if (found.isEmpty()) {
            hasher.verify(password, dummyHash());
            return failed(client, user, method, "unknown user");
        }
        Account account = found.get();
        boolean ok = verified.contains(account.passwordHash(), password);
        if (!ok && hasher.verify(password, account.passwordHash())) {
            ok = true;
            verified.add(account.passwordHash(), password);
        }
        if (!ok) return failed(client, user, method, "wrong password");
        if (account.disabled()) return failed(client, user, method, "account disabled");
        succeeded(client, account.address());
        scramKeys.renew(account, password);
        return new AuthResult.Success(account);
    }

    /** The sessions logged in now, on every mail protocol, to end when their account is disabled or re-passworded. */
    public LiveSessions sessions() {
        return sessions;
    }

    /** The account address a login name stands for: lower-cased, with the default domain when it has none. */
    public String qualify(String user) {
        String u = user.strip().toLowerCase(Locale.ROOT);
        return u.indexOf('@') < 0 && !u.isEmpty() ? u + "@" + settings.defaultDomain() : u;
    }

    // --- for the SASL exchanges of this package ---

    /** What the failed-login throttle refuses now (for the admin). */
    public List<Block> blocks() {
        return throttle.blocks().stream().map(b -> new Block(b.kind(), b.subject(), b.failures(), b.until())).toList();
    }

    /**
     * One refusal of the failed-login throttle: {@code kind} "address" (an IP address), "login" (an
     * address and an account) or "account".
     */
    public record Block(String kind, String subject, int failures, java.time.Instant until) {
    }

    /** Lifts the blocks and counts of an IP address or an account (a typo-prone user, a class behind one NAT); how many. */
    public int unblock(String subject) {
        String s = subject.strip().toLowerCase(Locale.ROOT);
        int n = throttle.unblock(s.contains("@") || s.contains(".") || s.contains(":") ? s : qualify(s));
        log.info("auth: blocks lifted for {}: {}", ClientText.printable(subject), n);
        return n;
    }

    /** True (and logged) when the throttle refuses this client or this account now. */
    boolean blocked(InetAddress client, String user, String method) {
        String why = throttle.refusal(client, qualify(user));
        if (why == null) return false;
        log.info("auth {} refused for {} from {}: too many failures ({})", method, ClientText.printable(user), client.getHostAddress(),
                switch (why) {
                    case "address" -> "from this address";
                    case "login" -> "for this account from this address";
                    default -> "for this account, delayed";
                });
        failureListeners.forEach(l -> l.accept("throttled"));
        return true;
    }

    /** Told of each refused login, "invalid" (wrong name or password, disabled) or "throttled" (metrics). */
    public void onFailure(java.util.function.Consumer<String> listener) {
        failureListeners.add(listener);
    }

    void succeeded(InetAddress client, String address) {
        throttle.succeeded(client, address);
    }

    AuthResult.Failure failed(InetAddress client, String user, String method, String why) {
        throttle.failed(client, qualify(user));
        failureListeners.forEach(l -> l.accept("invalid"));
        log.info("auth {} failed for {} from {}: {}", method, ClientText.printable(user), client.getHostAddress(), why);
        return new AuthResult.Failure(AuthFailure.INVALID_CREDENTIALS);
    }

    /**
     * What SCRAM needs about a user. For an unknown user, or one whose keys were never made, the keys
     * are fake but stable (so the salt looks the same on every try) and {@code account} is null.
     */
    record ScramUser(String address, Account account, ScramSha256.Keys keys, String problem) {
    }

    ScramUser scramUser(String user) {
        String address = qualify(user);
        Optional<Account> account = accounts.account(address);
        if (account.isPresent()) {
            ScramSha256.Keys keys = accounts.credentials(address).map(Credentials::scramSha256).map(ScramSha256.Keys::parse).orElse(null);
            if (keys != null) return new ScramUser(address, account.get(), keys, null);
            return new ScramUser(address, null, fakeKeys(address), "no SCRAM keys stored (they are made at the next password login)");
        }
        return new ScramUser(address, null, fakeKeys(address), "unknown user");
    }

    private ScramSha256.Keys fakeKeys(String address) {
        byte[] seed = ScramSha256.hmac(secret, address.getBytes(StandardCharsets.UTF_8));
        return new ScramSha256.Keys(Arrays.copyOf(seed, 16), ScramSha256.ITERATIONS,
                ScramSha256.sha256(seed), ScramSha256.hmac(seed, new byte[] {1}));
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) dummyHash = h = hasher.hash("no such user");
        return h;
    }

    /** Strict UTF-8, or null: SASL strings are UTF-8 (RFC 4422 §5) and a bad byte is a malformed message. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
