package org.estafeta.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.estafeta.mime.SearchableText;

/**
 * The full-text index (V8__text_index.sql): the searchable text of each message content, by blob.
 * Contents are indexed the first time a search reads them, so delivery pays nothing for it and a
 * mailbox searched once is searched from the index after that; the trigger in the schema removes a
 * content's text with its last message.
 */
final class SqlTextIndex {

    private final SqlDatabase db;

    SqlTextIndex(SqlDatabase db) {
        this.db = db;
    }

    Set<String> indexedBlobs(long mailboxId) {
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT m.blob FROM messages m JOIN message_text_blobs t ON t.blob = m.blob WHERE m.mailbox_id = ?")) {
                ps.setLong(1, mailboxId);
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
            try (PreparedStatement ps = c.prepareStatement("SELECT b.blob FROM message_text t JOIN message_text_blobs b ON b.text_rowid = t.rowid"
                    + " WHERE t." + column + " LIKE ? ESCAPE '\\' AND EXISTS (SELECT 1 FROM messages m WHERE m.blob = b.blob AND m.mailbox_id = ?)")) {
                ps.setString(1, "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
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
                 PreparedStatement text = c.prepareStatement("INSERT INTO message_text(header, body) VALUES (?, ?)");
                 PreparedStatement map = c.prepareStatement("INSERT INTO message_text_blobs(blob, text_rowid) VALUES (?, last_insert_rowid())")) {
                for (var e : texts.entrySet()) {
                    known.setString(1, e.getKey());
                    try (ResultSet rs = known.executeQuery()) {
                        if (rs.next()) continue;
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
