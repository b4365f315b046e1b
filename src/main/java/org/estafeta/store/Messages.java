package org.estafeta.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The one message API, for POP3, IMAP and the webmail alike: messages are named by mailbox and UID
 * (see the package note). Every change takes a new MODSEQ from the mailbox (RFC 7162), commits, and
 * then tells {@code events} subscribers of the account.
 */
public interface Messages {

    /** The counters a session polls to learn whether anything changed; null if the mailbox is gone. */
    MailboxState state(long mailboxId);

    /** HIGHESTMODSEQ and UIDNEXT move with every change; {@code recentUid} is the \Recent mark (see {@link #claimRecent}). */
    record MailboxState(long highestModSeq, long uidNext, long recentUid) {
    }

    /** The messages in UID order. */
    List<MessageInfo> list(long mailboxId);

    /**
     * Cached summaries by UID for UIDs in [fromUid, toUid]; absent when never computed (messages stored
     * before summaries were kept: {@link MessageSummaries} computes and saves them).
     */
    Map<Long, MessageSummary> summaries(long mailboxId, long fromUid, long toUid);

    /** The contents (blobs) of the mailbox's messages whose searchable text is not in the full-text index yet. */
    java.util.Set<String> unindexedBlobs(long mailboxId);

    /** Up to {@code limit} contents, of any mailbox, waiting for the full-text index, in blob order after {@code after}. */
    List<String> blobsToIndex(String after, int limit);

    /**
     * Of the mailbox's indexed contents, those whose header field values (or body text) contain
     * {@code needle}, lower case as {@link org.estafeta.mime.SearchableText#lower} makes it.
     */
    java.util.Set<String> blobsContaining(long mailboxId, String needle, boolean inHeader);

    /**
     * Adds contents' searchable text to the full-text index and takes them off the waiting list
     * (those already indexed, or whose messages are gone, are left as they are).
     */
    void indexText(Map<String, org.estafeta.mime.SearchableText> texts);

    /** Caches summaries computed late, by UID (messages stored before the cache existed); UIDs gone meanwhile are skipped. */
    void saveSummaries(long mailboxId, Map<Long, MessageSummary> byUid);

    /** Adds a durable blob to a mailbox; returns its UID. */
    default long append(long mailboxId, Blob blob, int flags, List<String> keywords, Instant internalDate,
                        MessageSummary summary) {
        return appendAll(mailboxId, List.of(new NewMessage(blob, flags, keywords, internalDate, summary))).getFirst();
    }

    /** A durable blob to add, with what the client said of it. */
    record NewMessage(Blob blob, int flags, List<String> keywords, Instant internalDate, MessageSummary summary) {
    }

    /** Adds several in one transaction, all or none (IMAP MULTIAPPEND, RFC 3502); returns their UIDs in order. */
    List<Long> appendAll(long mailboxId, List<NewMessage> messages);

    enum Mode { ADD, REMOVE, REPLACE }

    /**
     * Changes flags of the given UIDs; those whose MODSEQ is above {@code unchangedSince} (if not
     * negative) are left alone and listed in {@link FlagResult#modified()} (RFC 7162 §3.1.3).
     */
    FlagResult setFlags(long mailboxId, Collection<Long> uids, Mode mode, int flags, Collection<String> keywords,
                        long unchangedSince);

    record FlagResult(List<MessageInfo> changed, List<Long> modified) {
    }

    /** Copies (or moves) messages in UID order; returns the source and new UIDs pairwise (RFC 4315 COPYUID). */
    Copied copy(long fromMailboxId, List<Long> uids, long toMailboxId, boolean move);

    record Copied(long uidValidity, List<Long> sourceUids, List<Long> newUids) {
    }

    /** Removes messages flagged \Deleted (all, or only those in {@code uids} when not null); returns their UIDs. */
    List<Long> expunge(long mailboxId, Collection<Long> uids);

    /**
     * Removes the given messages whatever their flags, in one transaction: POP3's UPDATE state (RFC 1939
     * §6) and the webmail's delete from Trash. UIDs already gone are ignored; returns the UIDs removed.
     */
    List<Long> delete(long mailboxId, Collection<Long> uids);

    /** UIDs expunged with a MODSEQ above {@code modSeq} (QRESYNC VANISHED). */
    List<Long> expungedSince(long mailboxId, long modSeq);

    /**
     * Marks every message up to the current UIDNEXT as seen by a session and returns the previous mark:
     * messages above it are \Recent for the caller alone (RFC 3501 §2.3.2).
     */
    long claimRecent(long mailboxId);
}
