package org.estafeta.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.estafeta.imap.ImapSession.Done;
import org.estafeta.mime.AddressLists;

/**
 * SORT and UID SORT (RFC 5256 §3), and the sort keys THREAD shares: the base subject (§2.1), the
 * sent date (§2.2) and the first address's mailbox. Strings compare with i;ascii-casemap (§3: a–z
 * as A–Z, nothing else folded); ties go by sequence number.
 */
final class SortCommand {

    private static final List<String> CRITERIA = List.of("ARRIVAL", "CC", "DATE", "FROM", "REVERSE", "SIZE", "SUBJECT", "TO");
    // subj-leader = (*subj-blob subj-refwd) / WSP; subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
    private static final Pattern LEADER = Pattern.compile("^(\\[[^\\[\\]]*\\] *)*(re|fwd?) *(\\[[^\\[\\]]*\\] *)?:",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BLOB = Pattern.compile("^\\[[^\\[\\]]*\\] *");

    private SortCommand() {
    }

    static Done sort(ImapSession s, ImapReader r, boolean byUid) throws ImapException, IOException {
        r.sp();
        r.expect('(');
        List<String> criteria = new ArrayList<>();
        do {
            String c = r.atom().toUpperCase(Locale.ROOT);
            if (!CRITERIA.contains(c)) throw ImapException.bad("Unknown sort criterion");
            criteria.add(c);
        } while (r.take(' '));
        r.expect(')');
        if (criteria.getLast().equals("REVERSE")) throw ImapException.bad("REVERSE must precede a criterion");
        r.sp();
        String cs = r.astring();
        if (!cs.equalsIgnoreCase("UTF-8") && !cs.equalsIgnoreCase("US-ASCII")) {
            throw ImapException.no("BADCHARSET (UTF-8 US-ASCII)", "Unsupported charset");
        }
        r.sp();
        SearchCommand.Key key = SearchCommand.criteria(r, s);
        r.end();
        List<Integer> hits = SearchCommand.evaluate(s, key);
        SelectedMailbox view = s.selected;
        SearchCommand.Ctx ctx = new SearchCommand.Ctx(s, view, s.savedSearch);
        record Row(int index, List<Comparable<?>> keys) {
        }
        List<Row> rows = new ArrayList<>();
        for (int i : hits) {
            ctx.reset(view.get(i), i + 1);
            List<Comparable<?>> keys = new ArrayList<>();
            for (String c : criteria) {
                switch (c) {
                    case "ARRIVAL" -> keys.add(ctx.m.internalDate());
                    case "SIZE" -> keys.add(ctx.m.size());
                    case "DATE" -> keys.add(ctx.sentOrInternal());
                    case "SUBJECT" -> keys.add(caseMap(baseSubject(ctx.header().get("Subject"))));
                    case "FROM", "TO", "CC" -> keys.add(caseMap(firstMailbox(ctx.header().get(c))));
                    default -> { }
                }
            }
            rows.add(new Row(i, keys));
        }
        Comparator<Row> order = Comparator.comparingInt(r1 -> 0);
        boolean reverse = false;
        int k = 0;
        for (String c : criteria) {
            if (c.equals("REVERSE")) {
                reverse = true;
                continue;
            }
            int at = k++;
            @SuppressWarnings({"unchecked", "rawtypes"})
            Comparator<Row> one = (a, b) -> ((Comparable) a.keys().get(at)).compareTo(b.keys().get(at));
            order = order.thenComparing(reverse ? one.reversed() : one);
            reverse = false;
        }
        rows.sort(order.thenComparingInt(Row::index));
        StringBuilder sb = new StringBuilder("SORT");
        for (Row row : rows) sb.append(' ').append(byUid ? view.get(row.index()).uid() : row.index() + 1);
        s.out.untagged(sb.toString());
        return Done.ok("SORT completed");
    }

    /** i;ascii-casemap (RFC 4790 §9.2): only a–z fold, to A–Z, so "_" sorts after letters. */
    static String caseMap(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return sb.toString();
    }

    /** The base subject (RFC 5256 §2.1) of a raw Subject header; "" when there is none. */
    static String baseSubject(String raw) {
        return subject(raw).base();
    }

    /** A base subject and whether removing reply or forward markers was needed to get it (§2.1, THREAD). */
    record Subject(String base, boolean replyOrForward) {
    }

    static Subject subject(String raw) {
        if (raw == null) return new Subject("", false);
        // (1) decoded, runs of white space as one space.
        String s = SearchCommand.decode(raw).replaceAll("[\\s]+", " ");
        boolean marked = false;
        while (true) {
            // (2) trailers: "(fwd)" and white space.
            while (true) {
                if (s.endsWith(" ")) {
                    s = s.substring(0, s.length() - 1);
                } else if (s.toLowerCase(Locale.ROOT).endsWith("(fwd)")) {
                    s = s.substring(0, s.length() - 5);
                    marked = true;
                } else {
                    break;
                }
            }
            String before;
            do {
                before = s;
                // (3) leaders: white space and "re:", "fw:", "fwd:" with blobs before or in them.
                while (true) {
                    s = s.stripLeading();
                    Matcher m = LEADER.matcher(s);
                    if (!m.find()) break;
                    s = s.substring(m.end());
                    marked = true;
                }
                // (4) a leading blob, unless nothing would be left.
                Matcher blob = BLOB.matcher(s);
                if (blob.find() && blob.end() < s.length()) s = s.substring(blob.end());
            } while (!s.equals(before));
            // (6) "[fwd: ...]" around the whole subject.
            if (s.length() >= 6 && s.substring(0, 5).equalsIgnoreCase("[fwd:") && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1);
                marked = true;
                continue;
            }
            return new Subject(s, marked);
        }
    }

    /**
     * The mailbox (local part) of the first address (RFC 5256 §3: addr-mailbox); a group counts by its
     * name, as in the ENVELOPE, where a group starts with its name in the mailbox position.
     */
    static String firstMailbox(String raw) {
        if (raw == null) return "";
        AddressList list = AddressLists.parse(raw);
        if (list == null || list.isEmpty()) return "";
        Address first = list.getFirst();
        return switch (first) {
            case Mailbox m -> m.getLocalPart() == null ? "" : m.getLocalPart();
            case Group g -> g.getName() == null ? "" : g.getName();
            default -> "";
        };
    }
}
