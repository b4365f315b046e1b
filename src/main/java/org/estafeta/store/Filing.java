package org.estafeta.store;

import java.util.List;

/**
 * One local copy of an arriving message: the account, the mailbox it goes into (by name; INBOX when
 * that mailbox does not exist, so a filter naming a deleted folder never loses mail) and the flags
 * and keywords it starts with.
 *
 * @param flags {@link Flag} bits
 */
public record Filing(long accountId, String mailbox, int flags, List<String> keywords) {

    public Filing {
        keywords = List.copyOf(keywords);
    }

    /** The INBOX, no flags: where mail goes when nothing says otherwise. */
    public static Filing inbox(long accountId) {
        return new Filing(accountId, "INBOX", 0, List.of());
    }
}
