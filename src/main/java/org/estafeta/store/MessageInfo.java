package org.estafeta.store;

import java.time.Instant;
import java.util.List;

/**
 * What a mail session keeps of each message in its view: identity (its UID in its mailbox), flags
 * ({@link Flag} bits) and keywords, and where the content is. POP3, IMAP and the webmail all see a
 * mailbox's messages as these.
 */
public record MessageInfo(long uid, long modSeq, int flags, List<String> keywords, String blob, long size,
                          Instant internalDate) {
    public MessageInfo {
        keywords = List.copyOf(keywords);
    }

    public boolean has(Flag flag) {
        return flag.isSet(flags);
    }
}
