package org.estafeta.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.SearchableText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One search through the texts of one mailbox's messages (IMAP SEARCH TEXT/BODY, the webmail's
 * search): a content in the full-text index is answered from it; one still waiting for the
 * {@link TextIndexer} is read, searched as the index would, and its text added to the index. Both
 * ways look in the same {@link SearchableText}, so the answer does not depend on what is indexed.
 * Close it to write what is left to add.
 */
public final class TextSearch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TextSearch.class);
    /** Texts added to the index per transaction: bounded, so a first search of a huge mailbox holds little. */
    private static final int BATCH = 500;
    private static final long BATCH_CHARS = 16L * 1024 * 1024;

    private final Messages messages;
    private final Blobs blobs;
    private final long mailboxId;
    private Set<String> unindexed;
    private final Map<String, Set<String>> hits = new HashMap<>();
    private final Map<String, SearchableText> toIndex = new HashMap<>();
    private long toIndexChars;
    private String lastBlob;
    private SearchableText lastText;

    public TextSearch(Messages messages, Blobs blobs, long mailboxId) {
        this.messages = messages;
        this.blobs = blobs;
        this.mailboxId = mailboxId;
    }

    /**
     * Whether the content's body text (and, with {@code inHeader}, a header field value) contains
     * {@code needle}, case-insensitively (RFC 9051 §6.4.4).
     */
    public boolean contains(String blob, String needle, boolean inHeader) throws IOException {
        String lower = SearchableText.lower(needle);
        if (lower.isEmpty()) return true;
        if (unindexed == null) unindexed = messages.unindexedBlobs(mailboxId);
        // A needle with a line break could span two header fields in the index's one-field-per-line text.
        if (!unindexed.contains(blob) && lower.indexOf('\n') < 0) {
            return hits.computeIfAbsent((inHeader ? "H" : "B") + lower, k -> {
                Set<String> found = new HashSet<>(messages.blobsContaining(mailboxId, lower, false));
                if (inHeader) found.addAll(messages.blobsContaining(mailboxId, lower, true));
                return found;
            }).contains(blob);
        }
        SearchableText text = text(blob);
        return inHeader && text.headerContains(lower) || text.bodyContains(lower);
    }

    private SearchableText text(String blob) throws IOException {
        if (blob.equals(lastBlob)) return lastText;
        SearchableText text = read(blobs, blob);
        lastBlob = blob;
        lastText = text;
        toIndex.put(blob, text);
        toIndexChars += text.header().length() + text.body().length();
        if (toIndex.size() >= BATCH || toIndexChars >= BATCH_CHARS) addToIndex();
        return text;
    }

    /** The searchable text of a stored content, read from its blob. */
    static SearchableText read(Blobs blobs, String blob) throws IOException {
        try (InputStream in = blobs.open(blob)) {
            return SearchableText.of(MimeParser.parse(in), (offset, length) -> {
                try (InputStream part = blobs.open(blob)) {
                    part.skipNBytes(offset);
                    return part.readNBytes(length);
                }
            });
        }
    }

    private void addToIndex() {
        if (toIndex.isEmpty()) return;
        try {
            messages.indexText(toIndex);
        } catch (StoreException e) {
            // The answer does not depend on the index: the next search reads these again.
            log.warn("full-text index of mailbox {} not updated: {}", mailboxId, e.getMessage());
        }
        toIndex.clear();
        toIndexChars = 0;
    }

    @Override
    public void close() {
        addToIndex();
    }
}
