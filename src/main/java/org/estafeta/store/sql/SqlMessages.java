package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.estafeta.events.MailboxEvents;
import org.estafeta.store.Blob;
import org.estafeta.store.Flag;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.MessageSummary;
import org.estafeta.store.Messages;
import org.estafeta.store.StoreException;

/** {@link Messages} in SQL. Every change runs in one transaction on the writer and is published after commit. */
public final class SqlMessages implements Messages {

    private final SqlDatabase db;
    private final MailboxEvents events;
    private final SqlTextIndex textIndex;

    public SqlMessages(SqlDatabase db, MailboxEvents events) {
        this.db = db;
        this.events = events;
        this.textIndex = new SqlTextIndex(db);
    }

    @Override
    public MailboxState state(long mailboxId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT highestmodseq, uidnext, recent_uid FROM mailboxes WHERE id = ?")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new MailboxState(rs.getLong(1), rs.getLong(2), rs.getLong(3)) : null;
                }
            }
        });
    }

    @Override
    public List<MessageInfo> list(long mailboxId) {
        return db.read(c -> {
            Map<Long, List<String>> keywords = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT k.message_id, k.keyword FROM keywords k JOIN messages m ON m.id = k.message_id WHERE m.mailbox_id = ?")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) keywords.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            List<MessageInfo> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, uid, modseq, flags, blob, size, internaldate FROM messages WHERE mailbox_id = ? ORDER BY uid")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        out.add(new MessageInfo(rs.getLong(2), rs.getLong(3), rs.getInt(4), keywords.getOrDefault(id, List.of()),
                                rs.getString(5), rs.getLong(6), Instant.ofEpochMilli(rs.getLong(7))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Map<Long, MessageSummary> summaries(long mailboxId, long fromUid, long toUid) {
        return db.read(c -> {
            Map<Long, MessageSummary> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT uid, summary FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? AND summary IS NOT NULL")) {
                ps.setLong(1, mailboxId);
                ps.setLong(2, fromUid);
                ps.setLong(3, toUid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        MessageSummary summary = SummaryCodec.decode(rs.getBytes(2));
                        if (summary != null) out.put(rs.getLong(1), summary);
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Set<String> unindexedBlobs(long mailboxId) {
        return textIndex.unindexedBlobs(mailboxId);
    }

    @Override
    public List<String> blobsToIndex(String after, int limit) {
        return textIndex.blobsToIndex(after, limit);
    }

    @Override
    public Set<String> blobsContaining(long mailboxId, String needle, boolean inHeader) {
        return textIndex.blobsContaining(mailboxId, needle, inHeader);
    }

    @Override
    public void indexText(Map<String, org.estafeta.mime.SearchableText> texts) {
        textIndex.index(texts);
    }

    @Override
    public void saveSummaries(long mailboxId, Map<Long, MessageSummary> byUid) {
        if (byUid.isEmpty()) return;
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET summary = ? WHERE mailbox_id = ? AND uid = ?")) {
                for (var e : byUid.entrySet()) {
                    ps.setBytes(1, SummaryCodec.encode(e.getValue()));
                    ps.setLong(2, mailboxId);
                    ps.setLong(3, e.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<Long> appendAll(long mailboxId, List<NewMessage> messages) {
        List<Long> accountAndUids = db.write(c -> {
            List<Long> out = new ArrayList<>();
            out.add(accountOf(c, mailboxId));
            for (NewMessage m : messages) {
                out.add(insert(c, mailboxId, m.blob(), m.flags(), m.keywords(), m.internalDate(),
                        m.summary() == null ? null : SummaryCodec.encode(m.summary())));
            }
            return out;
        });
        events.publish(accountAndUids.getFirst(), mailboxId);
        return accountAndUids.subList(1, accountAndUids.size());
    }

    /** Takes the next UID and MODSEQ of the mailbox and adds the message under them; returns the UID. */
    static long insert(Connection c, long mailboxId, Blob blob, int flags, List<String> keywords, Instant internalDate,
                       byte[] summary) throws SQLException {
        SqlBlobs.keep(c, blob);
        long uid, modseq;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE mailboxes SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1"
                        + " WHERE id = ? RETURNING uidnext - 1, highestmodseq")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new StoreException("no mailbox " + mailboxId);
                uid = rs.getLong(1);
                modseq = rs.getLong(2);
            }
        }
        long id;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO messages(mailbox_id, uid, modseq, blob, size, internaldate, flags, summary)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            ps.setLong(3, modseq);
            ps.setString(4, blob.hash());
            ps.setLong(5, blob.size());
            ps.setLong(6, internalDate.toEpochMilli());
            ps.setInt(7, flags);
            ps.setBytes(8, summary);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        addKeywords(c, id, keywords);
        return uid;
    }

    private static void addKeywords(Connection c, long messageId, Collection<String> keywords) throws SQLException {
        if (keywords.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO keywords(message_id, keyword) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (String k : keywords) {
                ps.setLong(1, messageId);
                ps.setString(2, k);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public FlagResult setFlags(long mailboxId, Collection<Long> uids, Mode mode, int flags, Collection<String> keywords,
                               long unchangedSince) {
        FlagResult result = db.write(c -> changeFlags(c, db.dialect(), mailboxId, uids, mode, flags, keywords, unchangedSince));
        if (!result.changed().isEmpty()) publish(mailboxId);
        return result;
    }

    /**
     * The one place flags change, for IMAP STORE and POP3 alike: each message that changes gets the
     * mailbox's next MODSEQ (one per call), skipped ones are reported as modified (UNCHANGEDSINCE).
     */
    static FlagResult changeFlags(Connection c, Dialect dialect, long mailboxId, Collection<Long> uids, Mode mode, int flags,
                                  Collection<String> keywords, long unchangedSince) throws SQLException {
        lockMailbox(c, dialect, mailboxId);
        List<MessageInfo> changed = new ArrayList<>();
        List<Long> modified = new ArrayList<>();
        long modseq = -1;
        for (long uid : uids) {
            Row row = row(c, mailboxId, uid);
            if (row == null) continue;
            MessageInfo m = row.info();
            if (unchangedSince >= 0 && m.modSeq() > unchangedSince) {
                modified.add(uid);
                continue;
            }
            int newFlags = switch (mode) {
                case ADD -> m.flags() | flags;
                case REMOVE -> m.flags() & ~flags;
                case REPLACE -> flags;
            };
            Set<String> newKeywords = new LinkedHashSet<>(m.keywords());
            switch (mode) {
                case ADD -> newKeywords.addAll(keywords);
                case REMOVE -> newKeywords.removeAll(keywords);
                case REPLACE -> {
                    newKeywords.clear();
                    newKeywords.addAll(keywords);
                }
            }
            boolean keywordsChange = !newKeywords.equals(new LinkedHashSet<>(m.keywords()));
            if (newFlags == m.flags() && !keywordsChange) continue;
            if (modseq < 0) modseq = nextModSeq(c, mailboxId);
            try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET flags = ?, modseq = ? WHERE id = ?")) {
                ps.setInt(1, newFlags);
                ps.setLong(2, modseq);
                ps.setLong(3, row.id());
                ps.executeUpdate();
            }
            // Most changes are system flags (\Seen by a FETCH, \Deleted): the keywords stay, and every
            // statement saved here is a round trip less while the mailbox row is locked.
            if (keywordsChange) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM keywords WHERE message_id = ?")) {
                    ps.setLong(1, row.id());
                    ps.executeUpdate();
                }
                addKeywords(c, row.id(), newKeywords);
            }
            changed.add(new MessageInfo(uid, modseq, newFlags, List.copyOf(newKeywords), m.blob(), m.size(), m.internalDate()));
        }
        return new FlagResult(changed, modified);
    }

    @Override
    public Copied copy(long fromMailboxId, List<Long> uids, long toMailboxId, boolean move) {
        Copied copied = db.write(c -> {
            List<Long> source = new ArrayList<>(), target = new ArrayList<>();
            long uidValidity;
            try (PreparedStatement ps = c.prepareStatement("SELECT uidvalidity FROM mailboxes WHERE id = ?")) {
                ps.setLong(1, toMailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new StoreException("no mailbox " + toMailboxId);
                    uidValidity = rs.getLong(1);
                }
            }
            for (long uid : uids.stream().sorted().toList()) {
                Row row = row(c, fromMailboxId, uid);
                if (row == null) continue;
                MessageInfo m = row.info();
                byte[] summary = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT summary FROM messages WHERE id = ?")) {
                    ps.setLong(1, row.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) summary = rs.getBytes(1);
                    }
                }
                long newUid = insert(c, toMailboxId, new Blob(m.blob(), m.size()), m.flags(), m.keywords(), m.internalDate(), summary);
                source.add(uid);
                target.add(newUid);
            }
            if (move) expungeRows(c, fromMailboxId, source);
            return new Copied(uidValidity, source, target);
        });
        publish(toMailboxId);
        if (move) publish(fromMailboxId);
        return copied;
    }

    @Override
    public List<Long> expunge(long mailboxId, Collection<Long> uids) {
        List<Long> gone = db.write(c -> {
            List<Long> candidates = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT uid FROM messages WHERE mailbox_id = ? AND (flags & ?) != 0 ORDER BY uid")) {
                ps.setLong(1, mailboxId);
                ps.setInt(2, Flag.DELETED.bit());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) candidates.add(rs.getLong(1));
                }
            }
            if (uids != null) candidates.retainAll(new java.util.HashSet<>(uids));
            expungeRows(c, mailboxId, candidates);
            return candidates;
        });
        if (!gone.isEmpty()) publish(mailboxId);
        return gone;
    }

    /** The one place messages are removed (IMAP, POP3, the webmail): rows go, their UIDs are kept for QRESYNC. */
    private static void expungeRows(Connection c, long mailboxId, List<Long> uids) throws SQLException {
        if (uids.isEmpty()) return;
        long modseq = nextModSeq(c, mailboxId);
        try (PreparedStatement del = c.prepareStatement("DELETE FROM messages WHERE mailbox_id = ? AND uid = ?");
             PreparedStatement rec = c.prepareStatement(
                     "INSERT INTO expunged(mailbox_id, uid, modseq) VALUES (?, ?, ?) ON CONFLICT(mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq")) {
            for (long uid : uids) {
                del.setLong(1, mailboxId);
                del.setLong(2, uid);
                del.addBatch();
                rec.setLong(1, mailboxId);
                rec.setLong(2, uid);
                rec.setLong(3, modseq);
                rec.addBatch();
            }
            del.executeBatch();
            rec.executeBatch();
        }
    }

    @Override
    public List<Long> delete(long mailboxId, Collection<Long> uids) {
        if (uids.isEmpty()) return List.of();
        List<Long> gone = db.write(c -> {
            lockMailbox(c, db.dialect(), mailboxId);
            List<Long> present = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM messages WHERE mailbox_id = ? AND uid = ?")) {
                for (long uid : new java.util.TreeSet<>(uids)) {
                    ps.setLong(1, mailboxId);
                    ps.setLong(2, uid);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) present.add(uid);
                    }
                }
            }
            expungeRows(c, mailboxId, present);
            return present;
        });
        if (!gone.isEmpty()) publish(mailboxId);
        return gone;
    }

    @Override
    public List<Long> expungedSince(long mailboxId, long modSeq) {
        return db.read(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid")) {
                ps.setLong(1, mailboxId);
                ps.setLong(2, modSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }

    @Override
    public long claimRecent(long mailboxId) {
        long[] marks = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT recent_uid, uidnext - 1 FROM mailboxes WHERE id = ?")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
                }
            }
        });
        // Only a write when there is something new: SELECT stays a read in the common case.
        if (marks[0] >= marks[1]) return marks[1];
        return db.write(c -> {
            long previous;
            // Locked on PostgreSQL: two sessions (on two nodes, or two pooled connections) must not both
            // read the old mark before either moves it, or both would see the new mail as \Recent.
            try (PreparedStatement ps = c.prepareStatement("SELECT recent_uid FROM mailboxes WHERE id = ?" + db.dialect().forUpdate())) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return 0L;
                    previous = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE mailboxes SET recent_uid = uidnext - 1 WHERE id = ?")) {
                ps.setLong(1, mailboxId);
                ps.executeUpdate();
            }
            return previous;
        });
    }

    /**
     * On PostgreSQL, where another node may change the same mailbox at the same moment, a
     * read-modify-write of its messages first locks the mailbox row, as appends and expunges do (they
     * move its UIDNEXT and MODSEQ): the rows read afterwards are current, so two nodes' STOREs cannot
     * lose each other's flags, nor a STORE add keywords to a message another node has just expunged
     * (found by imaptest through three nodes). SQLite's single writer already serialises them.
     */
    private static void lockMailbox(Connection c, Dialect dialect, long mailboxId) throws SQLException {
        if (dialect.forUpdate().isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM mailboxes WHERE id = ?" + dialect.forUpdate())) {
            ps.setLong(1, mailboxId);
            ps.executeQuery().close();
        }
    }

    private static long nextModSeq(Connection c, long mailboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING highestmodseq")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new StoreException("no mailbox " + mailboxId);
                return rs.getLong(1);
            }
        }
    }

    /** A message's row: its id (for its keywords) and what sessions see of it. */
    private record Row(long id, MessageInfo info) {
    }

    /** One message with its keywords, in one query (a row per keyword): it runs under the mailbox lock. */
    private static Row row(Connection c, long mailboxId, long uid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT m.id, m.modseq, m.flags, m.blob, m.size, m.internaldate, k.keyword FROM messages m"
                        + " LEFT JOIN keywords k ON k.message_id = m.id WHERE m.mailbox_id = ? AND m.uid = ?")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                long id = rs.getLong(1), modSeq = rs.getLong(2), size = rs.getLong(5);
                int flags = rs.getInt(3);
                String blob = rs.getString(4);
                Instant internalDate = Instant.ofEpochMilli(rs.getLong(6));
                List<String> keywords = new ArrayList<>();
                do {
                    if (rs.getString(7) != null) keywords.add(rs.getString(7));
                } while (rs.next());
                return new Row(id, new MessageInfo(uid, modSeq, flags, keywords, blob, size, internalDate));
            }
        }
    }

    private long accountOf(Connection c, long mailboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id FROM mailboxes WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new StoreException("no mailbox " + mailboxId);
                return rs.getLong(1);
            }
        }
    }

    private void publish(long mailboxId) {
        Long account = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT account_id FROM mailboxes WHERE id = ?")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
        if (account != null) events.publish(account, mailboxId);
    }
}
