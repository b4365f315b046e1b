package org.estafeta.imap;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.estafeta.imap.ImapSession.Done;
import org.estafeta.mime.AddressLists;
import org.estafeta.mime.Headers;
import org.estafeta.mime.MailDate;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.mime.PartContent;
import org.estafeta.store.Flag;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.TextSearch;

/**
 * SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH return options (RFC 4731), SEARCHRES's
 * SAVE (RFC 5182) and CONDSTORE's MODSEQ key; SORT and THREAD ({@link SortCommand}, {@link ThreadCommand})
 * use its criteria. Criteria are parsed into a tree of
 * {@link Key}s first, then evaluated per message; message content is read only for keys that need it.
 */
final class SearchCommand {

    private SearchCommand() {
    }

    /** A search key; {@link Ctx} gives lazy access to the message's header and text. */
    sealed interface Key {
        boolean matches(Ctx c) throws IOException;
    }

    record All() implements Key {
        public boolean matches(Ctx c) {
            return true;
        }
    }

    record HasFlag(Flag flag, boolean set) implements Key {
        public boolean matches(Ctx c) {
            return c.m.has(flag) == set;
        }
    }

    record Keyword(String keyword, boolean set) implements Key {
        public boolean matches(Ctx c) {
            return c.m.keywords().stream().anyMatch(k -> k.equalsIgnoreCase(keyword)) == set;
        }
    }

    record Recent(boolean set) implements Key {
        public boolean matches(Ctx c) {
            return c.view.isRecent(c.m.uid()) == set;
        }
    }

    record Not(Key key) implements Key {
        public boolean matches(Ctx c) throws IOException {
            return !key.matches(c);
        }
    }

    record Or(Key a, Key b) implements Key {
        public boolean matches(Ctx c) throws IOException {
            return a.matches(c) || b.matches(c);
        }
    }

    record And(List<Key> keys) implements Key {
        public boolean matches(Ctx c) throws IOException {
            for (Key k : keys) if (!k.matches(c)) return false;
            return true;
        }
    }

    record Sequence(SequenceSet set, boolean uid) implements Key {
        public boolean matches(Ctx c) {
            if (set.saved()) return c.saved.contains(c.m.uid());
            return uid ? set.contains(c.m.uid(), c.view.maxUid()) : set.contains(c.seq, c.view.size());
        }
    }

    record Size(long size, boolean larger) implements Key {
        public boolean matches(Ctx c) {
            return larger ? c.m.size() > size : c.m.size() < size;
        }
    }

    record ModSeq(long modSeq) implements Key {
        public boolean matches(Ctx c) {
            return c.m.modSeq() >= modSeq;
        }
    }

    /** BEFORE/ON/SINCE on the internal date, SENT* on the Date header; times of day and zones ignored. */
    record DateKey(LocalDate date, int relation, boolean sent) implements Key {
        public boolean matches(Ctx c) throws IOException {
            // RFC 9051 §6.4.4: SENT* compare the date as written, in the sender's zone.
            ZonedDateTime sentAt = sent ? c.sent() : null;
            LocalDate d = sent ? (sentAt == null ? null : sentAt.toLocalDate()) : c.m.internalDate().atOffset(ZoneOffset.UTC).toLocalDate();
            if (d == null) return false;
            int cmp = d.compareTo(date);
            return relation < 0 ? cmp < 0 : relation == 0 ? cmp == 0 : cmp >= 0;
        }
    }

    record HeaderKey(String field, String text) implements Key {
        private static final java.util.Set<String> ADDRESS_FIELDS = java.util.Set.of("FROM", "TO", "CC", "BCC");

        public boolean matches(Ctx c) throws IOException {
            boolean addresses = ADDRESS_FIELDS.contains(field.toUpperCase(Locale.ROOT));
            for (String v : c.header().all(field)) {
                if (text.isEmpty() || contains(decode(v), text) || contains(v, text)) return true;
                // Addresses also as parsed, so "user@domain" finds "user (comment) @ domain" too.
                if (addresses && contains(addressText(v), text)) return true;
            }
            return false;
        }
    }

    /** An address header as "Name <local@domain>, ..." without comments or folding. */
    static String addressText(String raw) {
        var list = AddressLists.parse(raw);
        if (list == null) return "";
        StringBuilder sb = new StringBuilder();
        for (var m : list.flatten()) {
            if (!sb.isEmpty()) sb.append(", ");
            if (m.getName() != null) sb.append(decode(m.getName())).append(' ');
            sb.append('<').append(m.getLocalPart()).append(m.getDomain() == null ? "" : "@" + m.getDomain()).append('>');
        }
        return sb.toString();
    }

    record BodyKey(String text, boolean withHeader) implements Key {
        public boolean matches(Ctx c) throws IOException {
            return c.textContains(text, withHeader);
        }
    }

    /** What a key may look at for one message, read only when asked for. */
    static final class Ctx {
        final ImapSession s;
        final SelectedMailbox view;
        final List<Long> saved;
        MessageInfo m;
        int seq;
        private MimePart tree;
        private TextSearch textSearch;

        Ctx(ImapSession s, SelectedMailbox view, List<Long> saved) {
            this.s = s;
            this.view = view;
            this.saved = saved;
        }

        void reset(MessageInfo message, int sequence) {
            m = message;
            seq = sequence;
            tree = null;
        }

        Headers header() throws IOException {
            if (tree == null) {
                try (InputStream in = s.services.blobs().open(m.blob())) {
                    tree = MimeParser.parseHeader(in);
                }
            }
            return tree.headers();
        }

        /** The Date header with the sender's zone; null when missing or not a date. */
        ZonedDateTime sent() throws IOException {
            return MailDate.parse(header().get("Date"));
        }

        /** RFC 5256 §2.2: the sent date, or the internal date when the Date header gives none. */
        Instant sentOrInternal() throws IOException {
            ZonedDateTime sent = sent();
            return sent != null ? sent.toInstant() : m.internalDate();
        }

        /** Searches the message's text, from the full-text index or by reading it. */
        boolean textContains(String needle, boolean inHeader) throws IOException {
            if (textSearch == null) textSearch = new TextSearch(s.services.messages(), s.services.blobs(), view.mailbox().id());
            return textSearch.contains(m.blob(), needle, inHeader);
        }

        /** Texts read by this search go to the index, so that the next search need not read them. */
        void close() {
            if (textSearch != null) textSearch.close();
        }
    }

    static String decode(String headerValue) {
        return PartContent.decodeHeader(headerValue);
    }

    /** Case-insensitive substring match (RFC 9051 §6.4.4). */
    static boolean contains(String haystack, String needle) {
        if (needle.isEmpty()) return true;
        return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    // --- SEARCH ---

    static Done search(ImapSession s, ImapReader r, boolean byUid, String tag) throws ImapException, IOException {
        r.sp();
        List<String> returns = null;
        if (r.takeKeyword("RETURN")) {
            r.sp();
            r.expect('(');
            returns = new ArrayList<>();
            while (!r.take(')')) {
                r.take(' ');
                String opt = r.atom().toUpperCase(Locale.ROOT);
                if (!List.of("MIN", "MAX", "ALL", "COUNT", "SAVE").contains(opt)) throw ImapException.bad("Unknown RETURN option");
                returns.add(opt);
            }
            r.sp();
        }
        charset(r);
        Key key = criteria(r, s);
        r.end();
        List<Integer> hits = evaluate(s, key);
        SelectedMailbox view = s.selected;
        boolean modseqKey = usesModSeq(key);
        if (modseqKey) s.enableCondstore();
        long highestModSeq = 0;
        for (int i : hits) highestModSeq = Math.max(highestModSeq, view.get(i).modSeq());
        List<Long> numbers = new ArrayList<>();
        for (int i : hits) numbers.add(byUid ? view.get(i).uid() : i + 1L);

        if (returns == null && !s.rev2) {
            StringBuilder sb = new StringBuilder("SEARCH");
            for (long n : numbers) sb.append(' ').append(n);
            if (modseqKey && !numbers.isEmpty()) sb.append(" (MODSEQ ").append(highestModSeq).append(')');
            s.out.untagged(sb.toString());
            return Done.ok("SEARCH completed");
        }
        if (returns == null || returns.isEmpty() || returns.equals(List.of("SAVE"))) {
            List<String> all = new ArrayList<>(returns == null ? List.of() : returns);
            if (returns == null || returns.isEmpty()) all.add("ALL");
            returns = all;
        }
        if (returns.contains("SAVE")) {
            List<Long> uids = new ArrayList<>();
            for (int i : hits) uids.add(view.get(i).uid());
            s.savedSearch = uids;
            if (returns.equals(List.of("SAVE"))) return Done.ok("SEARCH completed, result saved");
        }
        StringBuilder sb = new StringBuilder("ESEARCH (TAG ").append(ImapSyntax.quoted(tag)).append(')');
        if (byUid) sb.append(" UID");
        if (!numbers.isEmpty()) {
            if (returns.contains("MIN")) sb.append(" MIN ").append(numbers.getFirst());
            if (returns.contains("MAX")) sb.append(" MAX ").append(numbers.getLast());
            if (returns.contains("ALL")) sb.append(" ALL ").append(SequenceSet.format(numbers));
        }
        if (returns.contains("COUNT")) sb.append(" COUNT ").append(numbers.size());
        if (modseqKey && !numbers.isEmpty()) {
            // RFC 7162 §3.1.5: with only MIN and/or MAX, the MODSEQ is that of the messages returned.
            if (!returns.contains("ALL") && !returns.contains("COUNT")) {
                highestModSeq = 0;
                if (returns.contains("MIN")) highestModSeq = view.get(hits.getFirst()).modSeq();
                if (returns.contains("MAX")) highestModSeq = Math.max(highestModSeq, view.get(hits.getLast()).modSeq());
            }
            sb.append(" MODSEQ ").append(highestModSeq);
        }
        s.out.untagged(sb.toString());
        return Done.ok("SEARCH completed");
    }

    private static void charset(ImapReader r) throws ImapException, IOException {
        if (r.takeKeyword("CHARSET")) {
            r.sp();
            String cs = r.astring();
            if (!cs.equalsIgnoreCase("UTF-8") && !cs.equalsIgnoreCase("US-ASCII")) {
                throw ImapException.no("BADCHARSET (UTF-8 US-ASCII)", "Unsupported charset");
            }
            r.sp();
        }
    }

    private static boolean usesModSeq(Key k) {
        return switch (k) {
            case ModSeq m -> true;
            case Not n -> usesModSeq(n.key());
            case Or o -> usesModSeq(o.a()) || usesModSeq(o.b());
            case And a -> a.keys().stream().anyMatch(SearchCommand::usesModSeq);
            default -> false;
        };
    }

    /** Indexes of matching messages, ascending. */
    static List<Integer> evaluate(ImapSession s, Key key) throws IOException {
        SelectedMailbox view = s.selected;
        Ctx ctx = new Ctx(s, view, s.savedSearch);
        List<Integer> hits = new ArrayList<>();
        try {
            for (int i = 0; i < view.size(); i++) {
                ctx.reset(view.get(i), i + 1);
                if (key.matches(ctx)) hits.add(i);
            }
        } finally {
            ctx.close();
        }
        return hits;
    }

    /** search-key *(SP search-key), ANDed. */
    static Key criteria(ImapReader r, ImapSession s) throws ImapException, IOException {
        KeyCount counter = new KeyCount(s.settings.searchKeys());
        List<Key> keys = new ArrayList<>();
        do {
            keys.add(key(r, counter, 0));
        } while (r.take(' '));
        return keys.size() == 1 ? keys.getFirst() : new And(keys);
    }

    /** Keys parsed so far against limits.imap_search_keys: each key costs memory and a test per message. */
    private static final class KeyCount {
        private final int limit;
        private int count;

        KeyCount(int limit) {
            this.limit = limit;
        }

        void one() throws ImapException {
            if (++count > limit) throw ImapException.bad("Too many search keys, the limit is " + limit);
        }
    }

    private static Key key(ImapReader r, KeyCount n, int depth) throws ImapException, IOException {
        if (depth > 50) throw ImapException.bad("Search criteria nested too deeply");
        n.one();
        if (r.take('(')) {
            List<Key> keys = new ArrayList<>();
            do {
                keys.add(key(r, n, depth + 1));
            } while (r.take(' '));
            r.expect(')');
            return new And(keys);
        }
        if (r.peekSequenceSet()) return new Sequence(r.sequenceSet(), false);
        String word = r.atom().toUpperCase(Locale.ROOT);
        return switch (word) {
            case "ALL" -> new All();
            case "ANSWERED" -> new HasFlag(Flag.ANSWERED, true);
            case "DELETED" -> new HasFlag(Flag.DELETED, true);
            case "DRAFT" -> new HasFlag(Flag.DRAFT, true);
            case "FLAGGED" -> new HasFlag(Flag.FLAGGED, true);
            case "SEEN" -> new HasFlag(Flag.SEEN, true);
            case "UNANSWERED" -> new HasFlag(Flag.ANSWERED, false);
            case "UNDELETED" -> new HasFlag(Flag.DELETED, false);
            case "UNDRAFT" -> new HasFlag(Flag.DRAFT, false);
            case "UNFLAGGED" -> new HasFlag(Flag.FLAGGED, false);
            case "UNSEEN" -> new HasFlag(Flag.SEEN, false);
            case "RECENT" -> new Recent(true);
            case "OLD" -> new Recent(false);
            case "NEW" -> new And(List.of(new Recent(true), new HasFlag(Flag.SEEN, false)));
            case "KEYWORD" -> new Keyword(arg(r).atom(), true);
            case "UNKEYWORD" -> new Keyword(arg(r).atom(), false);
            case "BCC", "CC", "FROM", "SUBJECT", "TO" -> new HeaderKey(word, arg(r).astring());
            case "HEADER" -> {
                String field = arg(r).astring();
                yield new HeaderKey(field, arg(r).astring());
            }
            case "BODY" -> new BodyKey(arg(r).astring(), false);
            case "TEXT" -> new BodyKey(arg(r).astring(), true);
            case "BEFORE" -> new DateKey(arg(r).date(), -1, false);
            case "ON" -> new DateKey(arg(r).date(), 0, false);
            case "SINCE" -> new DateKey(arg(r).date(), 1, false);
            case "SENTBEFORE" -> new DateKey(arg(r).date(), -1, true);
            case "SENTON" -> new DateKey(arg(r).date(), 0, true);
            case "SENTSINCE" -> new DateKey(arg(r).date(), 1, true);
            case "LARGER" -> new Size(arg(r).number(), true);
            case "SMALLER" -> new Size(arg(r).number(), false);
            case "UID" -> new Sequence(arg(r).sequenceSet(), true);
            case "NOT" -> new Not(key(arg(r), n, depth + 1));
            case "OR" -> {
                Key a = key(arg(r), n, depth + 1);
                yield new Or(a, key(arg(r), n, depth + 1));
            }
            case "MODSEQ" -> {
                r.sp();
                if (r.peekIs('"')) {
                    // entry name and type (RFC 7162 §3.1.5): accepted, we have one modseq per message.
                    r.astring();
                    r.sp();
                    r.atom();
                    r.sp();
                }
                yield new ModSeq(r.number());
            }
            default -> throw ImapException.bad("Unknown search key " + ImapWriter.sanitize(word));
        };
    }

    private static ImapReader arg(ImapReader r) throws ImapException {
        r.sp();
        return r;
    }

}
