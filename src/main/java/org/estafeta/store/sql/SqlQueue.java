package org.estafeta.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.estafeta.store.Blob;
import org.estafeta.store.Envelope;
import org.estafeta.store.LeaseOwner;
import org.estafeta.store.MailOption;
import org.estafeta.store.Queue;

/**
 * {@link Queue} in SQL. Leases ({@code locked_until}, {@code lease_owner}) keep two workers or nodes
 * off one recipient and expire after a crash; every write about a leased recipient names its owner,
 * so a node that lost a lease cannot undo what the node that took it over did.
 */
public final class SqlQueue implements Queue {

    private static final String ENTRY_SELECT = "SELECT r.id, m.queue_id, m.sender, m.blob, m.size, m.envid, m.ret, m.created,"
            + " r.address, r.notify, r.orcpt, r.status, r.attempts, r.next_attempt, r.last_error, r.remote_mta, r.delay_notified,"
            + " m.binarymime, m.require_tls FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id";

    /** Ends an outcome's UPDATE: only while this owner holds the lease, which it then gives up. */
    private static final String END_LEASE = ", locked_until = 0, lease_owner = NULL WHERE id = ? AND lease_owner = ?";

    private final SqlDatabase db;
    private final LeaseOwner owner;

    public SqlQueue(SqlDatabase db, LeaseOwner owner) {
        this.db = db;
        this.owner = owner;
    }

    @Override
    public LeaseOwner owner() {
        return owner;
    }

    static void insert(Connection c, String queueId, Blob blob, Instant arrival, Envelope envelope) throws SQLException {
        SqlBlobs.keep(c, blob);
        long messageId;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO queue_messages(queue_id, sender, blob, size, envid, ret, created, binarymime, require_tls)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, queueId);
            ps.setString(2, envelope.sender());
            ps.setString(3, blob.hash());
            ps.setLong(4, blob.size());
            ps.setString(5, envelope.envelopeId());
            ps.setString(6, envelope.ret());
            ps.setLong(7, arrival.toEpochMilli());
            ps.setInt(8, envelope.options().contains(MailOption.BINARYMIME) ? 1 : 0);
            // RFC 8689 §4.1: REQUIRETLS wins over the header field; NULL is "neither".
            if (envelope.options().contains(MailOption.REQUIRETLS)) ps.setInt(9, 1);
            else if (envelope.options().contains(MailOption.TLS_OPTIONAL)) ps.setInt(9, 0);
            else ps.setNull(9, java.sql.Types.INTEGER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                messageId = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO queue_recipients(message_id, address, domain, notify, orcpt, next_attempt) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Envelope.Recipient r : envelope.recipients()) {
                ps.setLong(1, messageId);
                ps.setString(2, r.address());
                ps.setString(3, r.domain());
                ps.setString(4, r.notifyOn());
                ps.setString(5, r.orcpt());
                ps.setLong(6, arrival.toEpochMilli());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public List<Entry> claimDue(Instant now, Duration lease, int max, String onlyDomain) {
        long t = now.toEpochMilli();
        return db.write(c -> {
            List<Entry> due = query(c, ENTRY_SELECT + " WHERE r.locked_until <= ? AND ((r.status = 'queued' AND r.next_attempt <= ?)"
                    + " OR r.status = 'failed')" + (onlyDomain == null ? "" : " AND r.domain = ?")
                    + " ORDER BY r.next_attempt, r.id LIMIT ?" + db.dialect().skipLocked("r"), ps -> {
                ps.setLong(1, t);
                ps.setLong(2, t);
                int i = 3;
                if (onlyDomain != null) ps.setString(i++, onlyDomain);
                ps.setInt(i, max);
            });
            try (PreparedStatement ps = c.prepareStatement("UPDATE queue_recipients SET locked_until = ?, lease_owner = ? WHERE id = ?")) {
                for (Entry e : due) {
                    ps.setLong(1, t + lease.toMillis());
                    ps.setString(2, owner.toString());
                    ps.setLong(3, e.recipientId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return due;
        });
    }

    @Override
    public int renew(Collection<Long> recipientIds, Instant until) {
        if (recipientIds.isEmpty()) return 0;
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE queue_recipients SET locked_until = ? WHERE id = ? AND lease_owner = ?")) {
                for (long id : recipientIds) {
                    ps.setLong(1, until.toEpochMilli());
                    ps.setLong(2, id);
                    ps.setString(3, owner.toString());
                    ps.addBatch();
                }
                return java.util.Arrays.stream(ps.executeBatch()).map(n -> Math.max(n, 0)).sum();
            }
        });
    }

    @Override
    public int releaseLeases() {
        return db.write(c -> update(c, "UPDATE queue_recipients SET locked_until = 0, lease_owner = NULL"
                + " WHERE lease_owner LIKE ? AND lease_owner <> ?", owner.nodePrefix() + "%", owner.toString()));
    }

    @Override
    public List<Outcome> record(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) return List.of();
        String me = owner.toString();
        return db.write(c -> {
            List<Outcome> recorded = new ArrayList<>();
            for (Outcome o : outcomes) {
                int n = switch (o) {
                    case Outcome.Delivered d -> update(c, "UPDATE queue_recipients SET status = 'delivered', attempts = attempts + 1,"
                            + " remote_mta = ?, last_error = ?" + END_LEASE, d.remoteMta(), d.reply(), d.recipientId(), me);
                    case Outcome.Deferred d -> update(c, "UPDATE queue_recipients SET attempts = attempts + 1, remote_mta = ?,"
                            + " last_error = ?, next_attempt = ?" + END_LEASE,
                            d.remoteMta(), d.error(), d.nextAttempt().toEpochMilli(), d.recipientId(), me);
                    case Outcome.Failed f -> update(c, "UPDATE queue_recipients SET status = 'failed', attempts = attempts + 1,"
                            + " remote_mta = ?, last_error = ?" + END_LEASE, f.remoteMta(), f.error(), f.recipientId(), me);
                    case Outcome.Done d -> update(c, "UPDATE queue_recipients SET status = 'done'" + END_LEASE, d.recipientId(), me);
                    // Comes before its recipient's Deferred in one list, so the lease still stands.
                    case Outcome.DelayNotified d -> update(c, "UPDATE queue_recipients SET delay_notified = 1 WHERE id = ? AND lease_owner = ?",
                            d.recipientId(), me);
                };
                if (n > 0) recorded.add(o);
            }
            // A message is finished when no recipient is waiting for delivery or for its bounce; only
            // the messages just touched are looked at, so the cost does not grow with the queue.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM queue_messages WHERE id = (SELECT message_id FROM"
                    + " queue_recipients WHERE id = ?) AND NOT EXISTS (SELECT 1 FROM queue_recipients r"
                    + " WHERE r.message_id = queue_messages.id AND r.status IN ('queued', 'failed'))")) {
                for (Outcome o : recorded) {
                    ps.setLong(1, o.recipientId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return recorded;
        });
    }

    @Override
    public List<Entry> list() {
        return db.read(c -> query(c, ENTRY_SELECT + " ORDER BY m.created, r.id", ps -> { }));
    }

    @Override
    public List<Entry> show(String queueId) {
        return db.read(c -> query(c, ENTRY_SELECT + " WHERE m.queue_id = ? ORDER BY r.id", ps -> ps.setString(1, queueId)));
    }

    @Override
    public int retry(String queueIdOrNull) {
        long now = System.currentTimeMillis();
        return db.write(c -> queueIdOrNull == null
                ? update(c, "UPDATE queue_recipients SET next_attempt = ? WHERE status = 'queued'", now)
                : update(c, "UPDATE queue_recipients SET next_attempt = ? WHERE status = 'queued' AND message_id ="
                        + " (SELECT id FROM queue_messages WHERE queue_id = ?)", now, queueIdOrNull));
    }

    @Override
    public int retryDomain(String domain) {
        long now = System.currentTimeMillis();
        return db.write(c -> update(c, "UPDATE queue_recipients SET next_attempt = ? WHERE status = 'queued' AND domain = ?",
                now, domain.toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public boolean delete(String queueId) {
        return db.write(c -> update(c, "DELETE FROM queue_messages WHERE queue_id = ?", queueId) > 0);
    }

    @Override
    public int bounce(String queueId, String reason) {
        return db.write(c -> update(c, "UPDATE queue_recipients SET status = 'failed', last_error = ? WHERE status = 'queued'"
                + " AND message_id = (SELECT id FROM queue_messages WHERE queue_id = ?)", reason, queueId));
    }

    @Override
    public Optional<Instant> nextDue() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT min(" + db.dialect().greatest + "(next_attempt, locked_until)) FROM queue_recipients"
                    + " WHERE status IN ('queued', 'failed')");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static List<Entry> query(Connection c, String sql, Binder binder) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getString(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)),
                            new Envelope.Recipient(rs.getString(9), rs.getString(10), rs.getString(11)),
                            rs.getString(12), rs.getInt(13), Instant.ofEpochMilli(rs.getLong(14)), rs.getString(15),
                            rs.getString(16), rs.getInt(17) != 0, options(rs.getInt(18), rs.getObject(19))));
                }
            }
        }
        return out;
    }

    private static Set<MailOption> options(int binaryMime, Object requireTls) {
        Set<MailOption> options = EnumSet.noneOf(MailOption.class);
        if (binaryMime != 0) options.add(MailOption.BINARYMIME);
        if (requireTls != null) options.add(((Number) requireTls).intValue() != 0 ? MailOption.REQUIRETLS : MailOption.TLS_OPTIONAL);
        return options;
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        }
    }
}
