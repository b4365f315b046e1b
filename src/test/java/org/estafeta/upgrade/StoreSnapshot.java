package org.estafeta.upgrade;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a store holds, read with SQL on the columns every schema version has had since V1, so that
 * it can be taken before an upgrade and compared with what today's server says over IMAP after it.
 */
final class StoreSnapshot {

    /** A mailbox with its messages as UID → "flags sha256" (see {@link UpgradeTest.Imap#messages()}). */
    record Mailbox(String account, String name, long uidvalidity, long uidnext, Map<Long, String> messages) {
    }

    private static final String[] SYSTEM_FLAGS = {"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"};

    private StoreSnapshot() {
    }

    static Map<String, Mailbox> read(Path data) throws SQLException {
        Map<String, Mailbox> out = new LinkedHashMap<>();
        try (Connection c = open(data); ResultSet boxes = c.createStatement().executeQuery(
                "SELECT m.id, a.address, m.name, m.uidvalidity, m.uidnext FROM mailboxes m JOIN accounts a ON a.id = m.account_id ORDER BY m.id")) {
            while (boxes.next()) {
                Map<Long, String> messages = new TreeMap<>();
                try (var ps = c.prepareStatement("SELECT id, uid, flags, blob FROM messages WHERE mailbox_id = ?")) {
                    ps.setLong(1, boxes.getLong(1));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) messages.put(rs.getLong(2), flags(c, rs.getLong(1), rs.getInt(3)) + " " + rs.getString(4));
                    }
                }
                Mailbox box = new Mailbox(boxes.getString(2), boxes.getString(3), boxes.getLong(4), boxes.getLong(5), messages);
                out.put(box.account() + "/" + box.name(), box);
            }
        }
        return out;
    }

    private static String flags(Connection c, long messageId, int bits) throws SQLException {
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < SYSTEM_FLAGS.length; i++) if ((bits & (1 << i)) != 0) flags.add(SYSTEM_FLAGS[i]);
        try (var ps = c.prepareStatement("SELECT keyword FROM keywords WHERE message_id = ?")) {
            ps.setLong(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) flags.add(rs.getString(1));
            }
        }
        return String.join(" ", flags.stream().sorted().toList());
    }

    /** Recipients still waiting in the queue; 0 before the queue existed (schema 4). */
    static long queuedRecipients(Path data) throws SQLException {
        try (Connection c = open(data)) {
            if (!hasTable(c, "queue_recipients")) return 0;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM queue_recipients")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static int schemaVersion(Path data) throws SQLException {
        try (Connection c = open(data); ResultSet rs = c.createStatement().executeQuery(
                "SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static boolean hasTable(Connection c, String name) throws SQLException {
        try (var ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static Connection open(Path data) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + data.resolve("estafeta.db"));
    }
}
