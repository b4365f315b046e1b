package org.estafeta.store;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.estafeta.mime.SearchableText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the full-text index in the background, right after delivery: it takes the contents the store
 * queued for the index, reads them and adds their text. It works at most half the time of one core,
 * so a burst of arriving mail is not slowed by it; until it catches up, a search reads the few
 * contents still queued itself ({@link TextSearch}).
 */
public final class TextIndexer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TextIndexer.class);
    private static final int BATCH = 100;
    private static final long IDLE_MILLIS = 1000;

    private final Messages messages;
    private final Blobs blobs;
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Contents that could not be read, not tried again by this process: a search reads them itself. */
    private final Set<String> unreadable = new HashSet<>();
    private final Thread thread;

    private TextIndexer(Messages messages, Blobs blobs) {
        this.messages = messages;
        this.blobs = blobs;
        this.thread = Thread.ofVirtual().name("text-indexer").unstarted(this::run);
    }

    public static TextIndexer start(Messages messages, Blobs blobs) {
        TextIndexer indexer = new TextIndexer(messages, blobs);
        indexer.thread.start();
        return indexer;
    }

    private void run() {
        String after = "";
        try {
            while (closing.getCount() > 0) {
                long start = System.nanoTime();
                int done;
                try {
                    List<String> batch = messages.blobsToIndex(after, BATCH);
                    done = index(batch);
                    after = batch.size() < BATCH ? "" : batch.getLast();
                } catch (StoreException e) {
                    log.warn("full-text index not updated, trying again: {}", e.getMessage());
                    done = 0;
                }
                long busyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                closing.await(done == 0 ? IDLE_MILLIS : busyMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Indexes what can be read of the batch; returns how many were indexed. */
    private int index(List<String> batch) {
        Map<String, SearchableText> texts = new LinkedHashMap<>();
        for (String blob : batch) {
            if (unreadable.contains(blob) || closing.getCount() == 0) continue;
            try {
                texts.put(blob, TextSearch.read(blobs, blob));
            } catch (IOException | RuntimeException e) {
                unreadable.add(blob);
                log.warn("full-text index: content {} not readable, left to be read by searches: {}", blob, e.toString());
            }
        }
        messages.indexText(texts);
        return texts.size();
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
