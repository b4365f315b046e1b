package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estafeta.store.AddressKey;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Schema 9: domains, account addresses and aliases into the one stored spelling of {@link AddressKey}
 * (NFC, lower case, IDN in U-labels). Builds before SMTPUTF8 stored a domain as it was typed, so a
 * store may hold {@code xn--espaa-rta.es}, which today's lookups (by {@code españa.es}) no longer
 * find. A Java migration because the IDNA conversion (RFC 5891 §5) is not SQL.
 *
 * <p>When both spellings of a domain exist, the A-label one is folded into the U-label one. Two
 * accounts that are one address in both spellings cannot be merged without choosing whose mail and
 * password win, so the migration stops and names them; the store stays at schema 8 until one is removed.
 */
final class IdnULabelsMigration implements JavaMigration {

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("9");
    }

    @Override
    public String getDescription() {
        return "idn u-labels";
    }

    @Override
    public Integer getChecksum() {
        return 9;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        Map<Long, Long> foldedInto = domains(c);
        for (Map.Entry<Long, Long> e : foldedInto.entrySet()) {
            update(c, "UPDATE accounts SET domain_id = ? WHERE domain_id = ?", e.getValue(), e.getKey());
            update(c, "UPDATE aliases SET domain_id = ? WHERE domain_id = ?", e.getValue(), e.getKey());
            update(c, "DELETE FROM domains WHERE id = ?", e.getKey());
        }
        accounts(c);
        aliases(c);
    }

    /** Renames each domain to its stored form; returns the A-label domains whose U-label twin already exists (id → twin's id). */
    private static Map<Long, Long> domains(Connection c) throws SQLException {
        Map<Long, String> all = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM domains ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) all.put(rs.getLong(1), rs.getString(2));
        }
        Map<String, Long> byKey = new LinkedHashMap<>();
        all.forEach((id, name) -> {
            if (name.equals(AddressKey.domain(name))) byKey.put(name, id);
        });
        Map<Long, Long> folded = new LinkedHashMap<>();
        for (Map.Entry<Long, String> d : all.entrySet()) {
            String key = AddressKey.domain(d.getValue());
            if (key.equals(d.getValue())) continue;
            Long twin = byKey.putIfAbsent(key, d.getKey());
            if (twin != null) folded.put(d.getKey(), twin);
            else update(c, "UPDATE domains SET name = ? WHERE id = ?", key, d.getKey());
        }
        return folded;
    }

    private static void accounts(Connection c) throws SQLException {
        Map<Long, String> renames = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, address FROM accounts"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = AddressKey.of(rs.getString(2));
                if (!key.equals(rs.getString(2))) renames.put(rs.getLong(1), key);
            }
        }
        for (Map.Entry<Long, String> r : renames.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT address FROM accounts WHERE address = ?")) {
                ps.setString(1, r.getValue());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new SQLException("two accounts are one address, " + r.getValue() + ", once its domain is in U-labels;"
                                + " remove one of them with an earlier build, then start again");
                    }
                }
            }
            update(c, "UPDATE accounts SET address = ? WHERE id = ?", r.getValue(), r.getKey());
        }
    }

    /** An alias row that becomes a duplicate of another (same address and target) is dropped: it said the same. */
    private static void aliases(Connection c) throws SQLException {
        Map<Long, String[]> renames = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, address, target FROM aliases"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String address = AddressKey.of(rs.getString(2)), target = AddressKey.of(rs.getString(3));
                if (!address.equals(rs.getString(2)) || !target.equals(rs.getString(3))) renames.put(rs.getLong(1), new String[] {address, target});
            }
        }
        for (Map.Entry<Long, String[]> r : renames.entrySet()) {
            boolean twin;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM aliases WHERE address = ? AND target = ? AND id != ?")) {
                ps.setString(1, r.getValue()[0]);
                ps.setString(2, r.getValue()[1]);
                ps.setLong(3, r.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    twin = rs.next();
                }
            }
            if (twin) update(c, "DELETE FROM aliases WHERE id = ?", r.getKey());
            else update(c, "UPDATE aliases SET address = ?, target = ? WHERE id = ?", r.getValue()[0], r.getValue()[1], r.getKey());
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }
}
