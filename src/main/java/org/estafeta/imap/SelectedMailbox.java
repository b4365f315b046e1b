package org.estafeta.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;

/**
 * A session's view of its selected mailbox: the messages it has been told about, in sequence-number
 * order. The view changes only when the client is told (EXISTS, EXPUNGE, FETCH FLAGS), so sequence
 * numbers stay what the client thinks they are; expunges by others wait here until an EXPUNGE
 * response is allowed (RFC 9051 §7.5.1).
 */
final class SelectedMailbox {

    private final Mailbox mailbox;
    final boolean readOnly;
    /** Messages in UID order; sequence number = index + 1. */
    private final List<MessageInfo> messages = new ArrayList<>();
    /** UIDs that are \Recent in this session (IMAP4rev1 only). */
    private final Set<Long> recent = new HashSet<>();
    /**
     * Keywords the client was told of in FLAGS, in that order; lower case in {@link #knownKeywords}
     * (keywords are case-insensitive). A keyword new to the mailbox is announced before any FETCH
     * shows it (RFC 9051 §7.3.5, RFC 3501 §7.2.6).
     */
    private final List<String> keywords = new ArrayList<>();
    private final Set<String> knownKeywords = new HashSet<>();
    /** Mailbox HIGHESTMODSEQ and UIDNEXT at the last look: unchanged means nothing to do. */
    private long knownModSeq = -1, knownUidNext = -1;

    SelectedMailbox(Mailbox mailbox, boolean readOnly, List<MessageInfo> current, long recentMark, boolean claimRecent,
                    long modSeq, long uidNext) {
        this.mailbox = mailbox;
        this.readOnly = readOnly;
        messages.addAll(current);
        if (claimRecent) for (MessageInfo m : current) if (m.uid() > recentMark) recent.add(m.uid());
        for (MessageInfo m : current) learnKeywords(m);
        knownModSeq = modSeq;
        knownUidNext = uidNext;
    }

    /** The mailbox's HIGHESTMODSEQ as of the last update the client was given. */
    long knownModSeq() {
        return knownModSeq;
    }

    Mailbox mailbox() {
        return mailbox;
    }

    int size() {
        return messages.size();
    }

    MessageInfo get(int index) {
        return messages.get(index);
    }

    List<MessageInfo> all() {
        return Collections.unmodifiableList(messages);
    }

    boolean isRecent(long uid) {
        return recent.contains(uid);
    }

    int recentCount() {
        return recent.size();
    }

    /** The index of a UID, or -1. */
    int indexOf(long uid) {
        int lo = 0, hi = messages.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = messages.get(mid).uid();
            if (u < uid) lo = mid + 1;
            else if (u > uid) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    /** The index of the first message with a UID of at least {@code uid} (size() if none). */
    private int firstAtLeast(long uid) {
        int lo = 0, hi = messages.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (messages.get(mid).uid() < uid) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    long maxUid() {
        return messages.isEmpty() ? 0 : messages.getLast().uid();
    }

    /**
     * The indexes a set names, ascending. By sequence number, a number beyond the mailbox is a BAD
     * (RFC 9051 §6.4.4 wants valid numbers); by UID, UIDs not present are simply left out.
     */
    List<Integer> resolve(SequenceSet set, boolean byUid, List<Long> savedUids) throws ImapException {
        List<Integer> out = new ArrayList<>();
        if (set.saved()) {
            for (long uid : savedUids) {
                int i = indexOf(uid);
                if (i >= 0) out.add(i);
            }
            Collections.sort(out);
            return out;
        }
        // Range by range with binary search: a client's long UID set costs its length, not that times the mailbox.
        BitSet hits = new BitSet(messages.size());
        if (byUid) {
            long star = maxUid();
            for (SequenceSet.Range r : set.ranges()) {
                int from = firstAtLeast(r.low(star));
                int to = firstAtLeast(r.high(star) + 1);
                if (from < to) hits.set(from, to);
            }
        } else {
            long n = messages.size();
            for (SequenceSet.Range r : set.ranges()) {
                if (n == 0 || r.high(n) > n) throw ImapException.bad("Invalid message sequence number");
                hits.set((int) r.low(n) - 1, (int) r.high(n));
            }
        }
        for (int i = hits.nextSetBit(0); i >= 0; i = hits.nextSetBit(i + 1)) out.add(i);
        return out;
    }

    /** Records a change this session made and has reported (or chose not to report: .SILENT). */
    void update(MessageInfo changed) {
        int i = indexOf(changed.uid());
        if (i >= 0) messages.set(i, changed);
    }

    /**
     * Brings the view up to date and tells the client: expunges (when allowed), flag changes by
     * others, new messages. Cheap when nothing changed: one row read.
     */
    void sync(ImapSession s, boolean expungeAllowed) throws IOException {
        Messages.MailboxState now = s.services.messages().state(mailbox.id());
        if (now == null) return;
        if (now.highestModSeq() == knownModSeq && now.uidNext() == knownUidNext) return;
        List<MessageInfo> current = s.services.snapshots().get(mailbox.id(), now.highestModSeq(), now.uidNext(),
                s.services.messages()::list);
        Map<Long, MessageInfo> byUid = new HashMap<>();
        for (MessageInfo m : current) byUid.put(m.uid(), m);
        boolean complete = true;

        // Flags changed by others, numbered as the client still numbers them.
        for (int i = 0; i < messages.size(); i++) {
            MessageInfo known = messages.get(i);
            MessageInfo cur = byUid.get(known.uid());
            if (cur == null || cur.modSeq() == known.modSeq()) continue;
            messages.set(i, cur);
            if (cur.flags() != known.flags() || !cur.keywords().equals(known.keywords())) {
                announceKeywords(s, cur);
                s.out.untagged((i + 1) + " FETCH (" + flagsItem(s, cur) + " UID " + cur.uid()
                        + (s.condstore ? " MODSEQ (" + cur.modSeq() + ")" : "") + ")");
            }
        }

        // Expunged by someone (or something) else.
        List<Long> vanished = new ArrayList<>();
        for (MessageInfo m : messages) if (!byUid.containsKey(m.uid())) vanished.add(m.uid());
        if (!vanished.isEmpty()) {
            if (expungeAllowed) {
                expunged(s, vanished);
            } else {
                complete = false;
            }
        }

        // New messages.
        long max = maxUid();
        List<MessageInfo> added = new ArrayList<>();
        for (MessageInfo m : current) if (m.uid() > max) added.add(m);
        if (!added.isEmpty()) {
            messages.addAll(added);
            // Only one session may see a message as \Recent; the claim is a write, so only when it can win.
            if (!s.rev2 && now.recentUid() < added.getLast().uid()) {
                // Read-only sessions see \Recent without taking it (RFC 3501 §6.3.2).
                long mark = readOnly ? now.recentUid() : s.services.messages().claimRecent(mailbox.id());
                for (MessageInfo m : added) if (m.uid() > mark) recent.add(m.uid());
            }
            s.out.untagged(messages.size() + " EXISTS");
            if (!s.rev2) s.out.untagged(recent.size() + " RECENT");
        }
        if (complete) {
            knownModSeq = now.highestModSeq();
            knownUidNext = now.uidNext();
        }
    }

    /** Removes UIDs from the view and tells the client: VANISHED with QRESYNC, else EXPUNGE by number, highest first. */
    void expunged(ImapSession s, List<Long> uids) throws IOException {
        if (uids.isEmpty()) return;
        Set<Long> gone = new HashSet<>(uids);
        if (s.qresync) {
            s.out.untagged("VANISHED " + SequenceSet.format(uids.stream().sorted().toList()));
            messages.removeIf(m -> gone.contains(m.uid()));
        } else {
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (gone.contains(messages.get(i).uid())) {
                    messages.remove(i);
                    s.out.untagged((i + 1) + " EXPUNGE");
                }
            }
        }
        recent.removeAll(gone);
    }

    private boolean learnKeywords(MessageInfo m) {
        boolean learnt = false;
        for (String k : m.keywords()) {
            if (knownKeywords.add(k.toLowerCase(Locale.ROOT))) {
                keywords.add(k);
                learnt = true;
            }
        }
        return learnt;
    }

    /** The untagged FLAGS and PERMANENTFLAGS of this mailbox as the client knows it (SELECT, new keywords). */
    void sendFlags(ImapSession s) throws IOException {
        String kw = keywords.isEmpty() ? "" : " " + String.join(" ", keywords);
        s.out.untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" + kw + ")");
        s.out.untagged("OK [PERMANENTFLAGS " + (readOnly ? "()" : "(\\Answered \\Flagged \\Deleted \\Seen \\Draft" + kw + " \\*)")
                + "] Flags permitted");
    }

    /** Before a response that shows {@code m}'s flags: announces keywords the client has not been told of. */
    void announceKeywords(ImapSession s, MessageInfo m) throws IOException {
        if (!m.keywords().isEmpty() && learnKeywords(m)) sendFlags(s);
    }

    /** {@code FLAGS (...)} of a message as this session sees it. */
    String flagsItem(ImapSession s, MessageInfo m) {
        return "FLAGS (" + flags(m, !s.rev2 && recent.contains(m.uid())) + ")";
    }

    static String flags(MessageInfo m, boolean recent) {
        StringBuilder sb = new StringBuilder();
        for (Flag f : Flag.values()) {
            if (m.has(f)) {
                if (!sb.isEmpty()) sb.append(' ');
                sb.append(f.imapName());
            }
        }
        if (recent) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append("\\Recent");
        }
        for (String k : m.keywords()) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(k);
        }
        return sb.toString();
    }

    void close() {
        // Nothing held: the view is memory only. Kept for symmetry with select.
    }
}
