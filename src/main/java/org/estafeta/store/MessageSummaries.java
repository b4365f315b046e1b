package org.estafeta.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.Summaries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The summaries of some messages of one mailbox, as IMAP FETCH and the webmail's list read them: the
 * cached ones from {@link Messages}, and for a message stored before summaries were kept (schema
 * version 15 added them without reading any content, so that an upgrade starts at once) one computed
 * from its content now and written back, so each is computed once.
 */
public final class MessageSummaries {

    private static final Logger log = LoggerFactory.getLogger(MessageSummaries.class);

    private final Messages messages;
    private final Blobs blobs;
    /** The MIME parser's part limit, as on arrival. */
    private final int maxParts;

    public MessageSummaries(Messages messages, Blobs blobs, int maxParts) {
        this.messages = messages;
        this.blobs = blobs;
        this.maxParts = maxParts;
    }

    /** By UID; a message whose content cannot be read (nor its summary found) is left out, and logged. */
    public Map<Long, MessageSummary> of(long mailboxId, Collection<MessageInfo> wanted) {
        if (wanted.isEmpty()) return Map.of();
        long from = Long.MAX_VALUE, to = 0;
        for (MessageInfo m : wanted) {
            from = Math.min(from, m.uid());
            to = Math.max(to, m.uid());
        }
        Map<Long, MessageSummary> out = new HashMap<>(messages.summaries(mailboxId, from, to));
        Map<Long, MessageSummary> computed = new HashMap<>();
        for (MessageInfo m : wanted) {
            if (out.containsKey(m.uid())) continue;
            try (InputStream in = blobs.open(m.blob())) {
                computed.put(m.uid(), Summaries.of(MimeParser.parse(in, maxParts), m.size()));
            } catch (IOException | BlobUnreadable e) {
                log.warn("no summary for message {} of mailbox {}: content unreadable: {}", m.uid(), mailboxId, e.toString());
            }
        }
        messages.saveSummaries(mailboxId, computed);
        out.putAll(computed);
        return out;
    }
}
