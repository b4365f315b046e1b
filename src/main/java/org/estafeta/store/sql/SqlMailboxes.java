package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.estafeta.events.MailboxEvents;
import org.estafeta.net.ClientText;
import org.estafeta.store.Blob;
import org.estafeta.store.Conflict;
import org.estafeta.store.Filing;
import org.estafeta.store.Intake;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MailboxStatus;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.MessageSummary;
import org.estafeta.store.StoreException;

/** {@link Mailboxes} in SQL. */
public final class SqlMailboxes implements Mailboxes {

    private static final String MAILBOX_COLUMNS = "id, account_id, name, special_use, uidvalidity, uidnext, highestmodseq";

    private final SqlDatabase db;
    private final MailboxEvents events;
    /**
     * Accounts whose maildrop a POP3 session of this process holds (see {@link #tryLockMaildrop}): the
     * whole lock on SQLite, the first half on PostgreSQL, whose advisory locks cannot tell this node's
     * sessions apart.
     */
    private final Set<Long> lockedMaildrops = ConcurrentHashMap.newKeySet();

    public SqlMailboxes(SqlDatabase db, MailboxEvents events) {
        this.db = db;
        this.events = events;
    }

    /** Creates mailboxes in one transaction; {@code subscribed} ones are subscribed too (an account's defaults). */
    static void createMailboxes(Connection c, long accountId, Map<String, String> nameToSpecialUse, boolean subscribed)
            throws SQLException {
        long uidValidity = nextUidValidity(c, accountId);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO mailboxes(account_id, name, special_use, uidvalidity) VALUES (?, ?, ?, ?)")) {
            for (var e : nameToSpecialUse.entrySet()) {
                ps.setLong(1, accountId);
                ps.setString(2, e.getKey());
                ps.setString(3, e.getValue());
                ps.setLong(4, uidValidity);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (subscribed) {
            for (String name : nameToSpecialUse.keySet()) setSubscription(c, accountId, name, true);
        }
    }

    /**
     * RFC 9051 §2.3.1.1: UIDVALIDITY must differ whenever a name is reused. Seconds since the epoch do,
     * unless a mailbox is deleted and made again within a second, hence the account's last one + 1
     * (kept in the account, since the deleted mailbox's row is gone).
     */
    private static long nextUidValidity(Connection c, long accountId) throws SQLException {
        long next;
        try (PreparedStatement ps = c.prepareStatement("SELECT last_uidvalidity FROM accounts WHERE id = ?")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                next = Math.max(Instant.now().getEpochSecond(), (rs.next() ? rs.getLong(1) : 0) + 1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET last_uidvalidity = ? WHERE id = ?")) {
            ps.setLong(1, next);
            ps.setLong(2, accountId);
            ps.executeUpdate();
        }
        return next;
    }

    private static void setSubscription(Connection c, long accountId, String name, boolean subscribed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(subscribed
                ? "INSERT INTO subscriptions(account_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING"
                : "DELETE FROM subscriptions WHERE account_id = ? AND name = ?")) {
            ps.setLong(1, accountId);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    @Override
    public List<Mailbox> mailboxes(long accountId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE account_id = ? ORDER BY name = 'INBOX' DESC, name")) {
                ps.setLong(1, accountId);
                List<Mailbox> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(mailbox(rs));
                }
                return out;
            }
        });
    }

    @Override
    public Optional<Mailbox> mailbox(long accountId, String name) {
        return db.read(c -> findMailbox(c, accountId, name));
    }

    @Override
    public Optional<Mailbox> mailbox(long mailboxId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE id = ?")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mailbox(rs)) : Optional.empty();
                }
            }
        });
    }

    private static Optional<Mailbox> findMailbox(Connection c, long accountId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE account_id = ? AND name = ?")) {
            ps.setLong(1, accountId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mailbox(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public Mailbox create(long accountId, String name, String specialUse) {
        checkName(name);
        Mailbox created = db.write(c -> {
            if (findMailbox(c, accountId, name).isPresent()) throw new Conflict("mailbox exists");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO mailboxes(account_id, name, special_use, uidvalidity) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, accountId);
                ps.setString(2, name);
                ps.setString(3, specialUse);
                ps.setLong(4, nextUidValidity(c, accountId));
                ps.executeUpdate();
            }
            return findMailbox(c, accountId, name).orElseThrow();
        });
        events.publish(accountId, -1);
        return created;
    }

    /** The last guard: callers check names and answer in their protocol; one that slipped through is a bug, not a mailbox. */
    private static void checkName(String name) {
        if (!Mailbox.validName(name)) throw new IllegalArgumentException("invalid mailbox name: " + ClientText.printable(name));
    }

    @Override
    public void delete(long mailboxId) {
        Long accountId = db.write(c -> {
            Long account = null;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM mailboxes WHERE id = ? RETURNING account_id")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) account = rs.getLong(1);
                }
            }
            return account;
        });
        if (accountId != null) events.publish(accountId, mailboxId);
    }

    @Override
    public void rename(long accountId, String from, String to) {
        checkName(to);
        db.write(c -> {
            Mailbox source = findMailbox(c, accountId, from).orElseThrow(() -> new Conflict("no such mailbox"));
            if (findMailbox(c, accountId, to).isPresent()) throw new Conflict("mailbox exists");
            if (from.equals("INBOX")) {
                // The messages move to a new mailbox; INBOX stays, empty, with its UIDVALIDITY.
                createMailboxes(c, accountId, java.util.Collections.singletonMap(to, null), true);
                Mailbox target = findMailbox(c, accountId, to).orElseThrow();
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE messages SET mailbox_id = ? WHERE mailbox_id = ?")) {
                    ps.setLong(1, target.id());
                    ps.setLong(2, source.id());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE mailboxes SET uidnext = ?, highestmodseq = ? WHERE id = ?")) {
                    ps.setLong(1, source.uidNext());
                    ps.setLong(2, source.highestModSeq());
                    ps.setLong(3, target.id());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ?")) {
                    ps.setLong(1, source.id());
                    ps.executeUpdate();
                }
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE mailboxes SET name = ? || substr(name, ?) WHERE account_id = ? AND (name = ? OR substr(name, 1, ?) = ?)")) {
                ps.setString(1, to);
                ps.setInt(2, from.length() + 1);
                ps.setLong(3, accountId);
                ps.setString(4, from);
                ps.setInt(5, from.length() + 1);
                ps.setString(6, from + "/");
                ps.executeUpdate();
            }
            // Subscriptions follow the renamed mailboxes, as clients expect of a folder move; a subscription
            // already held under a new name gives way (what SQLite's UPDATE OR REPLACE did, said in both dialects).
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM subscriptions WHERE account_id = ? AND name IN (SELECT ? || substr(name, ?)"
                    + " FROM subscriptions WHERE account_id = ? AND (name = ? OR substr(name, 1, ?) = ?))")) {
                ps.setLong(1, accountId);
                ps.setString(2, to);
                ps.setInt(3, from.length() + 1);
                ps.setLong(4, accountId);
                ps.setString(5, from);
                ps.setInt(6, from.length() + 1);
                ps.setString(7, from + "/");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE subscriptions SET name = ? || substr(name, ?) WHERE account_id = ? AND (name = ? OR substr(name, 1, ?) = ?)")) {
                ps.setString(1, to);
                ps.setInt(2, from.length() + 1);
                ps.setLong(3, accountId);
                ps.setString(4, from);
                ps.setInt(5, from.length() + 1);
                ps.setString(6, from + "/");
                ps.executeUpdate();
            }
            return null;
        });
        events.publish(accountId, -1);
    }

    @Override
    public boolean subscribe(long accountId, String name, boolean subscribed) {
        return db.write(c -> {
            if (subscribed && findMailbox(c, accountId, name).isEmpty()) return false;
            setSubscription(c, accountId, name, subscribed);
            return true;
        });
    }

    @Override
    public Set<String> subscriptions(long accountId) {
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM subscriptions WHERE account_id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public MailboxStatus status(long mailboxId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(m.id), count(m.id) FILTER (WHERE (m.flags & ?) = 0), count(m.id) FILTER (WHERE m.uid > b.recent_uid),
                           coalesce(sum(m.size), 0), count(m.id) FILTER (WHERE (m.flags & ?) != 0),
                           max(b.uidnext), max(b.uidvalidity), max(b.highestmodseq)
                    FROM mailboxes b LEFT JOIN messages m ON m.mailbox_id = b.id WHERE b.id = ?""")) {
                ps.setInt(1, Flag.SEEN.bit());
                ps.setInt(2, Flag.DELETED.bit());
                ps.setLong(3, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new MailboxStatus(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8));
                }
            }
        });
    }

    @Override
    public long usage(long accountId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT coalesce(sum(m.size), 0) FROM messages m JOIN mailboxes b ON m.mailbox_id = b.id WHERE b.account_id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<MaildropLock> tryLockMaildrop(long accountId) {
        if (!lockedMaildrops.add(accountId)) return Optional.empty();
        AdvisoryMaildropLocks acrossNodes = db.maildropLocks();
        try {
            if (acrossNodes != null && !acrossNodes.tryLock(accountId)) {
                lockedMaildrops.remove(accountId);
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            lockedMaildrops.remove(accountId);
            throw e;
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return Optional.of(() -> {
            if (!open.getAndSet(false)) return;
            if (acrossNodes != null) acrossNodes.unlock(accountId);
            lockedMaildrops.remove(accountId);
        });
    }

    /** One local copy of an arriving message; a mailbox that is gone means INBOX (see {@link Filing}). */
    static Intake.Filed append(Connection c, Filing filing, Blob blob, Instant internalDate, MessageSummary summary) throws SQLException {
        long accountId = filing.accountId();
        Optional<Mailbox> named = findMailbox(c, accountId, filing.mailbox());
        Mailbox mailbox = (named.isPresent() ? named : findMailbox(c, accountId, "INBOX"))
                .orElseThrow(() -> new StoreException("account " + accountId + " has no INBOX"));
        return new Intake.Filed(mailbox.id(), SqlMessages.insert(c, mailbox.id(), blob, filing.flags(), filing.keywords(), internalDate,
                summary == null ? null : SummaryCodec.encode(summary)));
    }

    private static Mailbox mailbox(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7));
    }
}
