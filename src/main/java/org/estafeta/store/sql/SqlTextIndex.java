package org.estafeta.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.estafeta.mime.SearchableText;

/**
 * The full-text index (V8__text_index.sql, V10__text_index_pending.sql): the searchable text of each
 * message content, by blob. Every content a message brings in is queued by the schema's trigger until
 * it is indexed, so a search asks only for the few queued contents and the texts that match; the
 * other trigger removes a content's text with its last message.
 */
final class SqlTextIndex {

    private final SqlDatabase db;

    SqlTextIndex(SqlDatabase db) {
        this.db = db;
    }

    Set<String> unindexedBlobs(long mailboxId) {
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT p.blob FROM message_text_pending p WHERE EXISTS (SELECT 1 FROM messages m WHERE m.blob = p.blob AND m.mailbox_id = ?)")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    List<String> blobsToIndex(String after, int limit) {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT blob FROM message_text_pending WHERE blob > ? ORDER BY blob LIMIT ?")) {
                ps.setString(1, after);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    Set<String> blobsContaining(long mailboxId, String needle, boolean inHeader) {
        String column = inHeader ? "header" : "body";
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            // CROSS JOIN keeps the texts first: the trigram index finds the few that match, and only
            // those are looked up, instead of every content being tried against the pattern.
            // The trigram index serves LIKE only without an ESCAPE clause, so one is added only when
            // the needle holds a wildcard character; those searches read every text.
            boolean wildcard = needle.indexOf('%') >= 0 || needle.indexOf('_') >= 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT b.blob FROM message_text t " + db.dialect().orderedJoin
                    + " message_text_blobs b ON b.text_rowid = t.rowid"
                    + " WHERE t." + column + " LIKE ?" + (wildcard ? " ESCAPE '\\'" : db.dialect().likeWithoutEscape)
                    + " AND EXISTS (SELECT 1 FROM messages m WHERE m.blob = b.blob AND m.mailbox_id = ?)")) {
                ps.setString(1, "%" + (wildcard ? needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") : needle) + "%");
                ps.setLong(2, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    void index(Map<String, SearchableText> texts) {
        if (texts.isEmpty()) return;
        db.write(c -> {
            try (PreparedStatement known = c.prepareStatement("SELECT 1 FROM message_text_blobs WHERE blob = ?");
                 PreparedStatement stored = c.prepareStatement("SELECT 1 FROM messages WHERE blob = ? LIMIT 1");
                 PreparedStatement text = c.prepareStatement("INSERT INTO message_text(header, body) VALUES (?, ?)");
                 PreparedStatement map = c.prepareStatement("INSERT INTO message_text_blobs(blob, text_rowid) VALUES (?, " + db.dialect().lastInsertId + ")");
                 PreparedStatement dequeue = c.prepareStatement("DELETE FROM message_text_pending WHERE blob = ?")) {
                for (var e : texts.entrySet()) {
                    dequeue.setString(1, e.getKey());
                    dequeue.executeUpdate();
                    known.setString(1, e.getKey());
                    try (ResultSet rs = known.executeQuery()) {
                        if (rs.next()) continue;
                    }
                    // Read before its last message went: the trigger that would remove the text has run already.
                    stored.setString(1, e.getKey());
                    try (ResultSet rs = stored.executeQuery()) {
                        if (!rs.next()) continue;
                    }
                    text.setString(1, e.getValue().header());
                    text.setString(2, e.getValue().body());
                    text.executeUpdate();
                    map.setString(1, e.getKey());
                    map.executeUpdate();
                }
            }
            return null;
        });
    }
}
