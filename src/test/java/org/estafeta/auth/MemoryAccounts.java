package org.estafeta.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.estafeta.store.Account;
import org.estafeta.store.Accounts;
import org.estafeta.store.Credentials;

/** Just enough of {@link Accounts} for the authenticator: accounts with credentials, some disabled. */
final class MemoryAccounts implements Accounts {

    private final Map<String, Account> accounts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Credentials> credentials = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * When set, every address not put here exists with these credentials, a blank one too (fuzzing: an
     * unknown user costs a production-strength Argon2 hash against the dummy, 19 MiB and most of a
     * run's time; unknown users have their own tests).
     */
    private Credentials everyone;

    void admitEveryone(Credentials c) {
        everyone = c;
    }

    boolean admitted(String address) {
        return everyone != null;
    }

    void put(String address, Credentials c, boolean disabled) {
        accounts.put(address, new Account(accounts.size() + 1, address, c.passwordHash(), false, disabled));
        credentials.put(address, c);
    }

    @Override
    public Optional<Account> account(String address) {
        if (admitted(address) && !accounts.containsKey(address)) return Optional.of(new Account(0, address, everyone.passwordHash(), false, false));
        return Optional.ofNullable(accounts.get(address));
    }

    @Override
    public Optional<Credentials> credentials(String address) {
        if (admitted(address) && !credentials.containsKey(address)) return Optional.of(everyone);
        return Optional.ofNullable(credentials.get(address));
    }

    @Override
    public void setCredentials(String address, Credentials c) {
        Account a = accounts.get(address);
        put(address, c, a.disabled());
    }

    @Override
    public synchronized boolean setScramKeys(String address, String passwordHash, String scramSha256) {
        Credentials c = credentials.get(address);
        if (c == null || !c.passwordHash().equals(passwordHash)) return false;
        put(address, new Credentials(passwordHash, scramSha256), accounts.get(address).disabled());
        return true;
    }

    @Override
    public Account addAccount(String address, Credentials c, boolean admin) {
        put(address, c, false);
        return accounts.get(address);
    }

    @Override
    public Account addAccount(String address, String passwordHash, boolean admin) {
        return addAccount(address, new Credentials(passwordHash, null), admin);
    }

    @Override
    public void setPassword(String address, String passwordHash) {
        setCredentials(address, new Credentials(passwordHash, null));
    }

    @Override
    public List<Account> accounts() {
        return List.copyOf(accounts.values());
    }

    @Override
    public java.util.OptionalLong quota(long accountId) {
        return java.util.OptionalLong.empty();
    }

    @Override
    public void setQuota(String address, Long bytes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setDisabled(String address, boolean disabled) {
        Account a = accounts.get(address);
        accounts.put(address, new Account(a.id(), address, a.passwordHash(), a.admin(), disabled));
    }

    @Override
    public void addApiToken(long accountId, String name, String tokenHash) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<org.estafeta.store.ApiToken> apiTokens() {
        return List.of();
    }

    @Override
    public boolean removeApiToken(String tokenHash) {
        return false;
    }

    @Override
    public Optional<Account> accountByApiToken(String tokenHash) {
        return Optional.empty();
    }

    @Override
    public void addDomain(String domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeDomain(String domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> domains() {
        return List.of("servidor.es");
    }

    @Override
    public boolean servesDomain(String domain) {
        return domain.equals("servidor.es");
    }

    @Override
    public void removeAccount(String address) {
        accounts.remove(address);
        credentials.remove(address);
    }

    @Override
    public void addAlias(String alias, List<String> targets) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeAlias(String alias) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, List<String>> aliases() {
        return Map.of();
    }

    @Override
    public List<String> aliasTargets(String address) {
        return List.of();
    }

    @Override
    public List<String> ownAddresses(long accountId) {
        throw new UnsupportedOperationException();
    }
}
