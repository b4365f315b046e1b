package org.estafeta.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.store.Account;
import org.estafeta.store.Accounts;
import org.estafeta.store.AddressKey;
import org.estafeta.store.ApiToken;
import org.estafeta.store.Conflict;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.Queue;

/** The administration operations shared by the CLI, the web admin and the REST API. */
public final class Admin {

    /** An account as the admin sees it; {@code usage} is bytes of mail kept, {@code quota} its own limit or null. */
    public record User(String address, boolean admin, boolean disabled, long usage, Long quota) {
    }

    /** One recipient of a queued message. */
    public record QueuedRecipient(String address, String status, int attempts, Instant nextAttempt, String lastError) {
    }

    /** A message in the outbound queue with the recipients it still has. */
    public record QueuedMessage(String id, String sender, long size, Instant created, List<QueuedRecipient> recipients) {
    }

    private final Accounts accounts;
    private final Mailboxes mailboxes;
    private final Queue queue;
    private final PasswordHasher hasher;
    /** Wakes the queue runner after retry/bounce (a no-op in the CLI: the server polls). */
    private final Runnable queueChanged;
    private final SecureRandom random = new SecureRandom();
    /** auth.min_password_length: new passwords shorter than this are refused. */
    private final int minPasswordLength;
    /**
     * Told the address of an account disabled, removed or given a new password, after the change: the
     * server ends the account's sessions on every protocol at once (in the CLI it tells the running
     * server, which would otherwise find the change within seconds).
     */
    private final Consumer<String> loginRevoked;

    public Admin(Accounts accounts, Mailboxes mailboxes, Queue queue, PasswordHasher hasher, Runnable queueChanged, int minPasswordLength,
                 Consumer<String> loginRevoked) {
        this.minPasswordLength = minPasswordLength;
        this.loginRevoked = loginRevoked;
        this.accounts = accounts;
        this.mailboxes = mailboxes;
        this.queue = queue;
        this.hasher = hasher;
        this.queueChanged = queueChanged;
    }

    // --- domains ---

    public List<String> domains() {
        return accounts.domains();
    }

    public String addDomain(String name) {
        // An IDN is stored in U-labels and must have an A-label form (RFC 5890): españa.es ≡ xn--espaa-rta.es.
        String domain = AddressKey.domain(name);
        String ascii = AddressKey.asciiDomain(domain);
        if (domain.isEmpty() || ascii == null || !ascii.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
            throw new IllegalArgumentException("not a domain name: " + name);
        }
        accounts.addDomain(domain);
        return domain;
    }

    public String removeDomain(String name) {
        accounts.removeDomain(name);
        return AddressKey.domain(name);
    }

    // --- users ---

    public List<User> users() {
        List<User> out = new ArrayList<>();
        for (Account a : accounts.accounts()) out.add(new User(a.address(), a.admin(), a.disabled(), mailboxes.usage(a.id()),
                accounts.quota(a.id()).isPresent() ? accounts.quota(a.id()).getAsLong() : null));
        return out;
    }

    public Optional<Account> account(String address) {
        return accounts.account(address);
    }

    public boolean hasAdmin() {
        return accounts.accounts().stream().anyMatch(a -> a.admin() && !a.disabled());
    }

    public Account addUser(String address, String password, boolean admin) {
        requireAddress(address);
        requirePassword(password);
        return accounts.addAccount(address, hasher.credentials(password), admin);
    }

    public void setPassword(String address, String password) {
        requirePassword(password);
        if (accounts.account(address).isEmpty()) throw new Conflict("no such account: " + address);
        accounts.setCredentials(address, hasher.credentials(password));
        loginRevoked.accept(address);
    }

    /** The account's own quota in bytes (0 = unlimited), or null for the server default (limits.quota). */
    public void setQuota(String address, Long bytes) {
        accounts.setQuota(address, bytes);
    }

    public void setDisabled(String address, boolean disabled) {
        accounts.setDisabled(address, disabled);
        if (disabled) loginRevoked.accept(address);
    }

    public void removeUser(String address) {
        accounts.removeAccount(address);
        loginRevoked.accept(address);
    }

    // --- aliases ---

    public Map<String, List<String>> aliases() {
        return accounts.aliases();
    }

    /** {@code @domain} as the alias is that domain's catch-all. */
    public void addAlias(String alias, List<String> targets) {
        if (!alias.strip().startsWith("@")) requireAddress(alias);
        if (targets.isEmpty()) throw new IllegalArgumentException("an alias needs at least one target");
        targets.forEach(Admin::requireAddress);
        accounts.addAlias(alias, targets);
    }

    public void removeAlias(String alias) {
        accounts.removeAlias(alias);
    }

    // --- queue ---

    /** Messages still waiting (queued, or failed and waiting for their bounce), oldest first. */
    public List<QueuedMessage> queue() {
        return group(queue.list().stream().filter(e -> e.status().equals("queued") || e.status().equals("failed")).toList());
    }

    public Optional<QueuedMessage> queued(String id) {
        return group(queue.show(id)).stream().findFirst();
    }

    /** Makes one message (or all, when null) due now; returns how many recipients. */
    public int retry(String idOrNull) {
        int n = queue.retry(idOrNull);
        if (n > 0) queueChanged.run();
        return n;
    }

    public boolean deleteQueued(String id) {
        return queue.delete(id);
    }

    /** Gives up on a message: its sender gets a bounce. Returns how many recipients. */
    public int bounce(String id) {
        int n = queue.bounce(id, "5.0.0 returned to sender by the administrator");
        if (n > 0) queueChanged.run();
        return n;
    }

    private static List<QueuedMessage> group(List<Queue.Entry> entries) {
        Map<String, List<Queue.Entry>> byId = new LinkedHashMap<>();
        for (Queue.Entry e : entries) byId.computeIfAbsent(e.queueId(), k -> new ArrayList<>()).add(e);
        List<QueuedMessage> out = new ArrayList<>();
        byId.forEach((id, list) -> {
            Queue.Entry first = list.getFirst();
            out.add(new QueuedMessage(id, first.sender(), first.size(), first.created(), list.stream()
                    .map(e -> new QueuedRecipient(e.recipient().address(), e.status(), e.attempts(), e.nextAttempt(), e.lastError()))
                    .toList()));
        });
        return out;
    }

    // --- API tokens ---

    /** Makes a new API token for an admin; only its hash is stored, so this is the one time it is seen. */
    public String createApiToken(Account admin, String name) {
        if (!admin.admin()) throw new Conflict("only admins may have API tokens");
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = "est_" + HexFormat.of().formatHex(raw);
        accounts.addApiToken(admin.id(), name == null || name.isBlank() ? "token" : name.strip(), sha256(token));
        return token;
    }

    /** Every API token (its hash, never the token), for the admin to see and revoke. */
    public List<ApiToken> apiTokens() {
        return accounts.apiTokens();
    }

    /** The token stops working at once; false when there was no such token. */
    public boolean revokeApiToken(String hash) {
        return accounts.removeApiToken(hash.strip().toLowerCase(Locale.ROOT));
    }

    /** The enabled admin a token belongs to. */
    public Optional<Account> adminForToken(String token) {
        if (token == null || token.isBlank()) return Optional.empty();
        return accounts.accountByApiToken(sha256(token.strip())).filter(a -> a.admin() && !a.disabled());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- checks ---

    /** A new password under auth.min_password_length; the web says it in the user's language from {@code minimum}. */
    public static final class PasswordTooShort extends IllegalArgumentException {
        public final int minimum;

        PasswordTooShort(int minimum) {
            super("the password must have at least " + minimum + " characters (auth.min_password_length)");
            this.minimum = minimum;
        }
    }

    public static void requireAddress(String address) {
        String a = address == null ? "" : address.strip();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1 || a.chars().anyMatch(c -> c <= ' ' || c == 127 || c == '<' || c == '>' || c == ',')
                || AddressKey.asciiDomain(a.substring(at + 1)) == null) {
            throw new IllegalArgumentException("not an address: " + address + " (expected user@domain)");
        }
    }

    private void requirePassword(String password) {
        if (password == null || password.isEmpty()) throw new IllegalArgumentException("the password must not be empty");
        if (password.codePointCount(0, password.length()) < minPasswordLength) throw new PasswordTooShort(minPasswordLength);
        if (password.indexOf('\r') >= 0 || password.indexOf('\n') >= 0) throw new IllegalArgumentException("the password must be one line");
    }
}
