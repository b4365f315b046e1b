package org.estafeta.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.estafeta.imap.ImapSession.Done;

/** THREAD=ORDEREDSUBJECT (RFC 5256 §4); REFERENCES is not offered. */
final class ThreadCommand {

    private ThreadCommand() {
    }

    static Done thread(ImapSession s, ImapReader r, boolean byUid) throws ImapException, IOException {
        r.sp();
        String algorithm = r.atom().toUpperCase(Locale.ROOT);
        if (!algorithm.equals("ORDEREDSUBJECT")) throw ImapException.bad("Unknown threading algorithm");
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
        // Group by base subject; within a group sort by sent date (ORDEREDSUBJECT, RFC 5256 §4).
        record Msg(long number, java.time.LocalDate date) {
        }
        Map<String, List<Msg>> groups = new LinkedHashMap<>();
        for (int i : hits) {
            ctx.reset(view.get(i), i + 1);
            java.time.LocalDate d = ctx.sentDate();
            if (d == null) d = ctx.m.internalDate().atOffset(java.time.ZoneOffset.UTC).toLocalDate();
            String subject = SearchCommand.baseSubject(ctx.header().get("Subject"));
            groups.computeIfAbsent(subject, k -> new ArrayList<>()).add(new Msg(byUid ? ctx.m.uid() : i + 1L, d));
        }
        List<List<Msg>> threads = new ArrayList<>(groups.values());
        for (List<Msg> t : threads) t.sort(java.util.Comparator.comparing(Msg::date).thenComparingLong(Msg::number));
        threads.sort(java.util.Comparator.comparing((List<Msg> t) -> t.getFirst().date()).thenComparingLong(t -> t.getFirst().number()));
        StringBuilder sb = new StringBuilder("THREAD");
        for (List<Msg> t : threads) {
            sb.append(sb.length() == 6 ? " (" : "(").append(t.getFirst().number());
            if (t.size() > 1) {
                // Children of the first message, each a sibling (RFC 5256 ORDEREDSUBJECT).
                if (t.size() == 2) {
                    sb.append(' ').append(t.get(1).number());
                } else {
                    for (int i = 1; i < t.size(); i++) sb.append(" (").append(t.get(i).number()).append(')');
                }
            }
            sb.append(')');
        }
        s.out.untagged(sb.toString());
        return Done.ok("THREAD completed");
    }
}
