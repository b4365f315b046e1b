package org.estafeta.delivery;

import java.time.Instant;
import java.util.List;
import org.estafeta.store.Blob;
import org.estafeta.store.Mailboxes;

/** Puts an accepted, stamped and durable message into its local recipients' INBOXes in one transaction. */
public final class LocalDelivery {

    private final Mailboxes mailboxes;

    public LocalDelivery(Mailboxes mailboxes) {
        this.mailboxes = mailboxes;
    }

    /** Returns once the message is committed for every account (or throws, and none has it). */
    public void deliver(Blob blob, List<Long> accountIds) {
        mailboxes.deliverToInboxes(blob, accountIds.stream().distinct().toList(), Instant.now());
    }
}
