package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.estafeta.store.Conflict;
import org.estafeta.store.SieveScripts;

/** {@link SieveScripts} in SQL; the partial unique index keeps at most one script active per account. */
public final class SqlSieveScripts implements SieveScripts {

    private final SqlDatabase db;

    public SqlSieveScripts(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public List<Script> list(long accountId) {
        return db.read(c -> select(c, "WHERE account_id = ? ORDER BY name", accountId, null));
    }

    @Override
    public Optional<Script> get(long accountId, String name) {
        return db.read(c -> select(c, "WHERE account_id = ? AND name = ?", accountId, name)).stream().findFirst();
    }

    @Override
    public Optional<Script> active(long accountId) {
        return db.read(c -> select(c, "WHERE account_id = ? AND active = 1", accountId, null)).stream().findFirst();
    }

    @Override
    public void put(long accountId, String name, String content) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sieve_scripts(account_id, name, content, updated) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT(account_id, name) DO UPDATE SET content = excluded.content, updated = excluded.updated")) {
                ps.setLong(1, accountId);
                ps.setString(2, name);
                ps.setString(3, content);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void setActive(long accountId, String name) {
        db.write(c -> {
            if (name != null && select(c, "WHERE account_id = ? AND name = ?", accountId, name).isEmpty()) {
                throw new Conflict("no script named " + name);
            }
            update(c, "UPDATE sieve_scripts SET active = 0 WHERE account_id = ? AND active = 1", accountId);
            if (name != null) update(c, "UPDATE sieve_scripts SET active = 1 WHERE account_id = ? AND name = ?", accountId, name);
            return null;
        });
    }

    @Override
    public void delete(long accountId, String name) {
        db.write(c -> {
            List<Script> found = select(c, "WHERE account_id = ? AND name = ?", accountId, name);
            if (found.isEmpty()) throw new Conflict("no script named " + name);
            if (found.getFirst().active()) throw new Conflict("the script is active");
            update(c, "DELETE FROM sieve_scripts WHERE account_id = ? AND name = ?", accountId, name);
            return null;
        });
    }

    @Override
    public void rename(long accountId, String from, String to) {
        db.write(c -> {
            if (select(c, "WHERE account_id = ? AND name = ?", accountId, from).isEmpty()) throw new Conflict("no script named " + from);
            if (!select(c, "WHERE account_id = ? AND name = ?", accountId, to).isEmpty()) throw new Conflict("a script named " + to + " exists");
            update(c, "UPDATE sieve_scripts SET name = ? WHERE account_id = ? AND name = ?", to, accountId, from);
            return null;
        });
    }

    @Override
    public boolean claimVacationReply(long accountId, String sender, String handle, Instant now, Instant until) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sieve_vacation_replies(account_id, sender, handle, until) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT(account_id, sender, handle) DO UPDATE SET until = excluded.until WHERE sieve_vacation_replies.until <= ?")) {
                ps.setLong(1, accountId);
                ps.setString(2, sender.toLowerCase(java.util.Locale.ROOT));
                ps.setString(3, handle);
                ps.setLong(4, until.toEpochMilli());
                ps.setLong(5, now.toEpochMilli());
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static List<Script> select(Connection c, String where, long accountId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name, content, active FROM sieve_scripts " + where)) {
            ps.setLong(1, accountId);
            if (name != null) ps.setString(2, name);
            List<Script> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Script(rs.getString(1), rs.getString(2), rs.getInt(3) == 1));
            }
            return out;
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }
}
