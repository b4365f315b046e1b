package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.estafeta.store.Blob;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.StoreException;
import org.estafeta.store.StoredMessage;

/** {@link Mailboxes} in SQL. */
public final class SqlMailboxes implements Mailboxes {

    private static final String MAILBOX_COLUMNS = "id, account_id, name, special_use, uidvalidity, uidnext, highestmodseq";
    private static final String MESSAGE_COLUMNS = "id, mailbox_id, uid, modseq, blob, size, internaldate, flags";

    private final SqlDatabase db;
    /** Accounts whose maildrop a POP3 session holds (see {@link #tryLockMaildrop}); this process only. */
    private final Set<Long> lockedMaildrops = ConcurrentHashMap.newKeySet();

    public SqlMailboxes(SqlDatabase db) {
        this.db = db;
    }

    static void createMailboxes(Connection c, long accountId, Map<String, String> nameToSpecialUse) throws SQLException {
        // RFC 3501 §2.3.1.1: UIDVALIDITY must change if a name is reused; seconds since the epoch do.
        long uidValidity = Instant.now().getEpochSecond();
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
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + MAILBOX_COLUMNS + " FROM mailboxes WHERE account_id = ? AND name = ?")) {
                ps.setLong(1, accountId);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(mailbox(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<StoredMessage> messages(long mailboxId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE mailbox_id = ? ORDER BY uid")) {
                ps.setLong(1, mailboxId);
                List<StoredMessage> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredMessage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getString(5), rs.getLong(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getInt(8)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void deliverToInboxes(Blob blob, List<Long> accountIds, Instant internalDate) {
        db.write(c -> {
            for (long accountId : accountIds) append(c, accountId, "INBOX", blob, internalDate);
            return null;
        });
    }

    @Override
    public int addFlags(long mailboxId, Collection<Long> messageIds, Set<Flag> flags) {
        int bits = Flag.bits(flags);
        if (messageIds.isEmpty() || bits == 0) return 0;
        return db.write(c -> {
            long modseq;
            try (PreparedStatement ps = c.prepareStatement("SELECT highestmodseq + 1 FROM mailboxes WHERE id = ?")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return 0;
                    modseq = rs.getLong(1);
                }
            }
            int changed = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE messages SET flags = flags | ?, modseq = ? WHERE id = ? AND mailbox_id = ? AND (flags & ?) != ?")) {
                for (long id : messageIds) {
                    ps.setInt(1, bits);
                    ps.setLong(2, modseq);
                    ps.setLong(3, id);
                    ps.setLong(4, mailboxId);
                    ps.setInt(5, bits);
                    ps.setInt(6, bits);
                    changed += ps.executeUpdate();
                }
            }
            if (changed > 0) bumpModSeq(c, mailboxId);
            return changed;
        });
    }

    @Override
    public int expunge(long mailboxId, Collection<Long> messageIds) {
        if (messageIds.isEmpty()) return 0;
        return db.write(c -> {
            int removed = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM messages WHERE id = ? AND mailbox_id = ?")) {
                for (long id : messageIds) {
                    ps.setLong(1, id);
                    ps.setLong(2, mailboxId);
                    removed += ps.executeUpdate();
                }
            }
            if (removed > 0) bumpModSeq(c, mailboxId);
            return removed;
        });
    }

    private static void bumpModSeq(Connection c, long mailboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            ps.executeUpdate();
        }
    }

    @Override
    public Optional<MaildropLock> tryLockMaildrop(long accountId) {
        if (!lockedMaildrops.add(accountId)) return Optional.empty();
        AtomicBoolean open = new AtomicBoolean(true);
        return Optional.of(() -> {
            if (open.getAndSet(false)) lockedMaildrops.remove(accountId);
        });
    }

    /** Takes the next UID and modseq of the mailbox and adds the message under them. */
    static void append(Connection c, long accountId, String mailboxName, Blob blob, Instant internalDate)
            throws SQLException {
        long mailboxId, uid, modseq;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE mailboxes SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1"
                        + " WHERE account_id = ? AND name = ? RETURNING id, uidnext - 1, highestmodseq")) {
            ps.setLong(1, accountId);
            ps.setString(2, mailboxName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new StoreException("account " + accountId + " has no " + mailboxName);
                mailboxId = rs.getLong(1);
                uid = rs.getLong(2);
                modseq = rs.getLong(3);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO messages(mailbox_id, uid, modseq, blob, size, internaldate) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            ps.setLong(3, modseq);
            ps.setString(4, blob.hash());
            ps.setLong(5, blob.size());
            ps.setLong(6, internalDate.toEpochMilli());
            ps.executeUpdate();
        }
    }

    private static Mailbox mailbox(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7));
    }
}
