package org.estafeta.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An account's folders and their counters; the messages in them are {@link Messages}. */
public interface Mailboxes {

    List<Mailbox> mailboxes(long accountId);

    Optional<Mailbox> mailbox(long accountId, String name);

    Optional<Mailbox> mailbox(long mailboxId);

    /** Creates a mailbox (not subscribed); {@link Conflict} if the name exists. */
    Mailbox create(long accountId, String name, String specialUse);

    /** Removes a mailbox with its messages. */
    void delete(long mailboxId);

    /**
     * Renames a mailbox and the mailboxes below it ({@code from/...}); {@link Conflict} if a target
     * exists. Renaming INBOX moves its messages into a new mailbox and leaves INBOX empty (RFC 9051 §6.3.6).
     */
    void rename(long accountId, String from, String to);

    /**
     * Subscribes to an existing mailbox (false when there is none) or removes a subscription. A
     * subscription is a name: it stays when its mailbox is deleted (RFC 9051 §6.3.9).
     */
    boolean subscribe(long accountId, String name, boolean subscribed);

    /** Subscribed names, whether or not their mailboxes exist. */
    Set<String> subscriptions(long accountId);

    MailboxStatus status(long mailboxId);

    /** Bytes used by all of an account's messages (QUOTA STORAGE). */
    long usage(long accountId);

    /**
     * The exclusive right to work on the account's INBOX as a POP3 maildrop (RFC 1939 §8), or empty
     * while another session holds it, on this node or (on a shared database) on another. IMAP sessions
     * do not take it. A node that dies holds none: on PostgreSQL the lock goes with its connection.
     */
    Optional<MaildropLock> tryLockMaildrop(long accountId);

    /** Held until closed; closing twice is harmless. */
    interface MaildropLock extends AutoCloseable {
        @Override
        void close();
    }
}
