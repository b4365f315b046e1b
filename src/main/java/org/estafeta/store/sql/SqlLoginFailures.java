package org.estafeta.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.estafeta.store.LoginFailures;

/**
 * {@link LoginFailures} in the {@code login_failures} table, for the nodes of a cluster to share. A
 * failure is one transaction that locks its rows (made first if missing, so two nodes counting the
 * same first failure meet on the row instead of both inserting); the keys are locked in one order, so
 * two such transactions never deadlock. A check is one indexed read; a success one delete, which
 * commits without a WAL flush when there was nothing to delete (the common case).
 */
public final class SqlLoginFailures implements LoginFailures {

    private static final String COLUMNS = "address, account, window_start, failures, refused_until";
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::address).thenComparing(Key::account);

    private final SqlDatabase db;

    public SqlLoginFailures(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public Map<Key, Count> counts(List<Key> keys) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM login_failures WHERE "
                    + String.join(" OR ", keys.stream().map(k -> "(address = ? AND account = ?)").toList()))) {
                int i = 1;
                for (Key k : keys) {
                    ps.setString(i++, k.address());
                    ps.setString(i++, k.account());
                }
                return read(ps);
            }
        });
    }

    @Override
    public void count(List<Key> keys, BiFunction<Key, Count, Count> next) {
        List<Key> ordered = keys.stream().sorted(ORDER).toList();
        db.write(c -> {
            for (Key k : ordered) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO login_failures(" + COLUMNS + ") VALUES (?, ?, 0, 0, 0)"
                        + " ON CONFLICT DO NOTHING")) {
                    ps.setString(1, k.address());
                    ps.setString(2, k.account());
                    ps.executeUpdate();
                }
                Count now;
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM login_failures WHERE address = ? AND account = ?"
                        + db.dialect().forUpdate())) {
                    ps.setString(1, k.address());
                    ps.setString(2, k.account());
                    now = read(ps).get(k);
                }
                // The row made just now stands for "no count yet".
                Count after = next.apply(k, now == null || now.failures() == 0 ? null : now);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE login_failures SET window_start = ?, failures = ?, refused_until = ? WHERE address = ? AND account = ?")) {
                    ps.setLong(1, after.windowStart());
                    ps.setInt(2, after.failures());
                    ps.setLong(3, after.refusedUntil());
                    ps.setString(4, k.address());
                    ps.setString(5, k.account());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void remove(List<Key> keys) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM login_failures WHERE address = ? AND account = ?")) {
                // In the order count() locks them, so a success and a failure of one account never deadlock.
                for (Key k : keys.stream().sorted(ORDER).toList()) {
                    ps.setString(1, k.address());
                    ps.setString(2, k.account());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public int removeInvolving(String addressOrAccount) {
        if (addressOrAccount.isEmpty()) return 0;
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM login_failures WHERE address = ? OR account = ?")) {
                ps.setString(1, addressOrAccount);
                ps.setString(2, addressOrAccount);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Map<Key, Count> refused(long now) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM login_failures WHERE refused_until > ?")) {
                ps.setLong(1, now);
                return read(ps);
            }
        });
    }

    @Override
    public int sweep(long windowStartedBy, long now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM login_failures WHERE window_start <= ? AND refused_until <= ?")) {
                ps.setLong(1, windowStartedBy);
                ps.setLong(2, now);
                return ps.executeUpdate();
            }
        });
    }

    private static Map<Key, Count> read(PreparedStatement ps) throws SQLException {
        Map<Key, Count> out = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(new Key(rs.getString(1), rs.getString(2)), new Count(rs.getLong(3), rs.getInt(4), rs.getLong(5)));
        }
        return out;
    }
}
