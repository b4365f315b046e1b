package org.estafeta.store;

import java.time.Instant;

/** One message in one mailbox; the content is the blob named by {@code blob}. */
public record StoredMessage(long id, long mailboxId, long uid, long modSeq, String blob, long size,
                            Instant internalDate, int flags) {
}
