package org.estafeta.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.estafeta.mime.ImapStructure;
import org.estafeta.store.Blob;
import org.estafeta.store.Blobs;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.MessageStructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts an accepted, stamped and durable message into its local recipients' INBOXes in one transaction,
 * with its IMAP structure computed once here (one streaming pass over the blob) and cached.
 */
public final class LocalDelivery {

    private static final Logger log = LoggerFactory.getLogger(LocalDelivery.class);

    private final Mailboxes mailboxes;
    private final Blobs blobs;

    public LocalDelivery(Mailboxes mailboxes, Blobs blobs) {
        this.mailboxes = mailboxes;
        this.blobs = blobs;
    }

    /** Returns once the message is committed for every account (or throws, and none has it). */
    public void deliver(Blob blob, List<Long> accountIds) {
        mailboxes.deliverToInboxes(blob, accountIds.stream().distinct().toList(), Instant.now(), structure(blob));
    }

    /** The structure, or null (computed when first fetched) if the message cannot be read now. */
    private MessageStructure structure(Blob blob) {
        try (InputStream in = blobs.open(blob.hash())) {
            return ImapStructure.of(in);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot parse message {} for IMAP: {}", blob.hash(), e.toString());
            return null;
        }
    }
}
