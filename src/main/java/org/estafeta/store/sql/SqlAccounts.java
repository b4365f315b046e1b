package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.estafeta.store.Account;
import org.estafeta.store.AddressKey;
import org.estafeta.store.Accounts;
import org.estafeta.store.ApiToken;
import org.estafeta.store.Conflict;
import org.estafeta.store.Credentials;

/** {@link Accounts} in SQL. */
public final class SqlAccounts implements Accounts {

    private final SqlDatabase db;

    public SqlAccounts(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public void addDomain(String domain) {
        String name = AddressKey.domain(domain);
        db.write(c -> {
            if (domainId(c, name) != null) throw new Conflict("domain " + name + " already exists");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO domains(name, created) VALUES (?, ?)")) {
                ps.setString(1, name);
                ps.setLong(2, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void removeDomain(String domain) {
        String name = AddressKey.domain(domain);
        db.write(c -> {
            Long id = domainId(c, name);
            if (id == null) throw new Conflict("no such domain: " + name);
            for (String table : List.of("accounts", "aliases")) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE domain_id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) throw new Conflict("domain " + name + " still has " + table + "; remove them first");
                    }
                }
            }
            update(c, "DELETE FROM domains WHERE id = ?", id);
            return null;
        });
    }

    @Override
    public List<String> domains() {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM domains ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    @Override
    public boolean servesDomain(String domain) {
        String name = AddressKey.domain(domain);
        return db.read(c -> domainId(c, name) != null);
    }

    @Override
    public Account addAccount(String address, String passwordHash, boolean admin) {
        return addAccount(address, new Credentials(passwordHash, null), admin);
    }

    @Override
    public Account addAccount(String address, Credentials credentials, boolean admin) {
        String addr = AddressKey.of(address);
        return db.write(c -> {
            Long domainId = domainId(c, domainOf(addr));
            if (domainId == null) {
                throw new Conflict("domain " + domainOf(addr) + " is not served here; add it first with: estafeta domain add " + domainOf(addr));
            }
            if (findAccount(c, addr).isPresent()) throw new Conflict("account " + addr + " already exists");
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO accounts(domain_id, address, password_hash, scram_sha256, is_admin, created)"
                            + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
                ps.setLong(1, domainId);
                ps.setString(2, addr);
                ps.setString(3, credentials.passwordHash());
                ps.setString(4, credentials.scramSha256());
                ps.setInt(5, admin ? 1 : 0);
                ps.setLong(6, System.currentTimeMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            SqlMailboxes.createMailboxes(c, id, DEFAULT_MAILBOXES, true);
            return new Account(id, addr, credentials.passwordHash(), admin, false);
        });
    }

    @Override
    public void setPassword(String address, String passwordHash) {
        setCredentials(address, new Credentials(passwordHash, null));
    }

    @Override
    public void setCredentials(String address, Credentials credentials) {
        String addr = AddressKey.of(address);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE accounts SET password_hash = ?, scram_sha256 = ? WHERE address = ?")) {
                ps.setString(1, credentials.passwordHash());
                ps.setString(2, credentials.scramSha256());
                ps.setString(3, addr);
                if (ps.executeUpdate() == 0) throw new Conflict("no such account: " + addr);
            }
            endWebSessions(c, addr);
            return null;
        });
    }

    @Override
    public boolean setScramKeys(String address, String passwordHash, String scramSha256) {
        String addr = AddressKey.of(address);
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE accounts SET scram_sha256 = ? WHERE address = ? AND password_hash = ?")) {
                ps.setString(1, scramSha256);
                ps.setString(2, addr);
                ps.setString(3, passwordHash);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<Credentials> credentials(String address) {
        String addr = AddressKey.of(address);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT password_hash, scram_sha256 FROM accounts WHERE address = ?")) {
                ps.setString(1, addr);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Credentials(rs.getString(1), rs.getString(2))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void removeAccount(String address) {
        String addr = AddressKey.of(address);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE address = ?")) {
                ps.setString(1, addr);
                if (ps.executeUpdate() == 0) throw new Conflict("no such account: " + addr);
            }
            return null;
        });
    }

    @Override
    public List<Account> accounts() {
        return db.read(c -> {
            List<Account> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, address, password_hash, is_admin, disabled FROM accounts ORDER BY address");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(account(rs));
            }
            return out;
        });
    }

    @Override
    public java.util.OptionalLong quota(long accountId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT quota_bytes FROM accounts WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return java.util.OptionalLong.empty();
                    long v = rs.getLong(1);
                    return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(v);
                }
            }
        });
    }

    @Override
    public void setQuota(String address, Long bytes) {
        if (bytes != null && bytes < 0) throw new IllegalArgumentException("a quota cannot be negative");
        String addr = AddressKey.of(address);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET quota_bytes = ? WHERE address = ?")) {
                ps.setObject(1, bytes);
                ps.setString(2, addr);
                if (ps.executeUpdate() == 0) throw new Conflict("no such account: " + addr);
            }
            return null;
        });
    }

    @Override
    public void setDisabled(String address, boolean disabled) {
        String addr = AddressKey.of(address);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET disabled = ? WHERE address = ?")) {
                ps.setInt(1, disabled ? 1 : 0);
                ps.setString(2, addr);
                if (ps.executeUpdate() == 0) throw new Conflict("no such account: " + addr);
            }
            if (disabled) endWebSessions(c, addr);
            return null;
        });
    }

    @Override
    public void addApiToken(long accountId, String name, String tokenHash) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_tokens(token_hash, account_id, name, created) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, tokenHash);
                ps.setLong(2, accountId);
                ps.setString(3, name);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<ApiToken> apiTokens() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT t.token_hash, t.name, a.address, t.created FROM api_tokens t"
                    + " JOIN accounts a ON a.id = t.account_id ORDER BY t.created, t.token_hash");
                 ResultSet rs = ps.executeQuery()) {
                List<ApiToken> out = new ArrayList<>();
                while (rs.next()) out.add(new ApiToken(rs.getString(1), rs.getString(2), rs.getString(3), java.time.Instant.ofEpochMilli(rs.getLong(4))));
                return out;
            }
        });
    }

    @Override
    public boolean removeApiToken(String tokenHash) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE token_hash = ?")) {
                ps.setString(1, tokenHash);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<Account> accountByApiToken(String tokenHash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT a.id, a.address, a.password_hash, a.is_admin, a.disabled FROM api_tokens t"
                            + " JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?")) {
                ps.setString(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(account(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<Account> account(String address) {
        String addr = AddressKey.of(address);
        return db.read(c -> findAccount(c, addr));
    }

    @Override
    public Optional<WithQuota> accountWithQuota(String address) {
        String addr = AddressKey.of(address);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, address, password_hash, is_admin, disabled, quota_bytes FROM accounts WHERE address = ?")) {
                ps.setString(1, addr);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    Account account = account(rs);
                    long quota = rs.getLong(6);
                    return Optional.of(new WithQuota(account, rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(quota)));
                }
            }
        });
    }

    @Override
    public void addAlias(String alias, List<String> targets) {
        String addr = AddressKey.of(alias);
        if (targets.isEmpty()) throw new IllegalArgumentException("an alias needs at least one target");
        db.write(c -> {
            Long domainId = domainId(c, domainOf(addr));
            if (domainId == null) throw new Conflict("domain " + domainOf(addr) + " is not served here; add it first");
            for (String target : targets) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO aliases(domain_id, address, target) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                    ps.setLong(1, domainId);
                    ps.setString(2, addr);
                    ps.setString(3, AddressKey.of(target));
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void removeAlias(String alias) {
        String addr = AddressKey.of(alias);
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM aliases WHERE address = ?")) {
                ps.setString(1, addr);
                if (ps.executeUpdate() == 0) throw new Conflict("no such alias: " + addr);
            }
            return null;
        });
    }

    @Override
    public Map<String, List<String>> aliases() {
        return db.read(c -> {
            Map<String, List<String>> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT address, target FROM aliases ORDER BY address, target");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
            return out;
        });
    }

    @Override
    public List<String> ownAddresses(long accountId) {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT address, 0 FROM accounts WHERE id = ?"
                    + " UNION SELECT a.address, 1 FROM aliases a JOIN accounts t ON a.target = t.address"
                    + " WHERE t.id = ? AND a.address NOT LIKE '@%' ORDER BY 2, 1")) {
                ps.setLong(1, accountId);
                ps.setLong(2, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> aliasTargets(String address) {
        String addr = AddressKey.of(address);
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT target FROM aliases WHERE address = ? ORDER BY target")) {
                ps.setString(1, addr);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private static Optional<Account> findAccount(Connection c, String address) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, address, password_hash, is_admin, disabled FROM accounts WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(account(rs)) : Optional.empty();
            }
        }
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0, rs.getInt(5) != 0);
    }

    private static Long domainId(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM domains WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * A new password or a disabled account ends the account's web sessions in the same transaction,
     * whoever made the change (web admin, API, CLI) and on every node at once: a stolen password must
     * stop working, not wait for each node to notice.
     */
    private static void endWebSessions(Connection c, String address) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM web_sessions WHERE account_id IN (SELECT id FROM accounts WHERE address = ?)")) {
            ps.setString(1, address);
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0 || at == address.length() - 1) throw new IllegalArgumentException("not an address: " + address);
        return address.substring(at + 1);
    }
}
