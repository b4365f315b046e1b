package org.estafeta.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import org.estafeta.store.WebLogins;

/** {@link WebLogins} in the {@code web_sessions} table. */
public final class SqlWebLogins implements WebLogins {

    private final SqlDatabase db;

    public SqlWebLogins(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public void add(String tokenHash, long accountId, String csrf, long now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO web_sessions(token_hash, account_id, csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, tokenHash);
                ps.setLong(2, accountId);
                ps.setString(3, csrf);
                ps.setLong(4, now);
                ps.setLong(5, now);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<WebLogin> find(String tokenHash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.account_id, a.address, s.csrf, s.last_seen, s.notice, s.error"
                    + " FROM web_sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?")) {
                ps.setString(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new WebLogin(tokenHash, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        });
    }

    @Override
    public void touch(String tokenHash, long now) {
        update("UPDATE web_sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?", now, tokenHash, now);
    }

    @Override
    public void note(String tokenHash, String notice, String error) {
        update("UPDATE web_sessions SET notice = ?, error = ? WHERE token_hash = ?", notice, error, tokenHash);
    }

    @Override
    public void remove(String tokenHash) {
        update("DELETE FROM web_sessions WHERE token_hash = ?", tokenHash);
    }

    @Override
    public int removeAccount(long accountId) {
        return update("DELETE FROM web_sessions WHERE account_id = ?", accountId);
    }

    @Override
    public int expire(long lastSeenBefore) {
        return update("DELETE FROM web_sessions WHERE last_seen < ?", lastSeenBefore);
    }

    @Override
    public int count(long lastSeenSince) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM web_sessions WHERE last_seen >= ?")) {
                ps.setLong(1, lastSeenSince);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private int update(String sql, Object... args) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                return ps.executeUpdate();
            }
        });
    }
}
