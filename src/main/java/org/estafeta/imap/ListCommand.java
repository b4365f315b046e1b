package org.estafeta.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.estafeta.imap.ImapSession.Done;
import org.estafeta.store.Mailbox;

/**
 * LIST (RFC 9051 §6.3.9, with LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819, SPECIAL-USE RFC 6154)
 * and LSUB (RFC 3501 §6.3.9). Subscriptions are names: a subscribed name without a mailbox is listed
 * {@code \NonExistent} by LIST (SUBSCRIBED), and LSUB shows an unsubscribed parent that "%" stops at
 * as {@code \Noselect} so that a client can reach the subscribed names below it.
 */
final class ListCommand {

    private ListCommand() {
    }

    /** What the client asked for, parsed before anything is read. */
    private record Request(boolean lsub, boolean selectSubscribed, boolean selectSpecialUse, boolean recursive,
                           String reference, List<String> patterns, boolean returnSubscribed, boolean returnChildren,
                           boolean returnSpecialUse, List<String> statusItems) {

        boolean matches(String name) {
            for (String p : patterns) {
                String full = MailboxName.normalize(reference + p);
                if (MailboxName.matches(full, name) || full.equalsIgnoreCase("INBOX") && name.equals("INBOX")) return true;
            }
            return false;
        }
    }

    static Done list(ImapSession s, ImapReader r, boolean lsub) throws ImapException, IOException {
        Request q = parse(s, r, lsub);
        String verb = lsub ? "LSUB" : "LIST";
        // RFC 9051 §6.3.9: an empty pattern asks for the delimiter.
        if (q.patterns().size() == 1 && q.patterns().getFirst().isEmpty()) {
            s.out.untagged(verb + " (\\Noselect) \"/\" \"\"");
            return Done.ok(verb + " completed");
        }
        // Sorted, so that a name's children are one range of each: no scan of every name per name listed.
        NavigableMap<String, Mailbox> existing = new TreeMap<>();
        for (Mailbox m : s.services.mailboxes().mailboxes(s.account.id())) existing.put(m.name(), m);
        NavigableSet<String> subscribed = new TreeSet<>(s.services.mailboxes().subscriptions(s.account.id()));
        // Candidates: the mailboxes, and with subscriptions in play also the subscribed names and their parents.
        Set<String> candidates = new TreeSet<>(existing.keySet());
        if (lsub || q.selectSubscribed()) {
            for (String name : subscribed) {
                candidates.add(name);
                for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                    candidates.add(name.substring(0, slash));
                }
            }
        }
        if (existing.containsKey("INBOX")) {
            // INBOX first, as clients expect.
            candidates.remove("INBOX");
            line(s, q, verb, "INBOX", existing, subscribed);
        }
        for (String name : candidates) line(s, q, verb, name, existing, subscribed);
        return Done.ok(verb + " completed");
    }

    /** The LIST/LSUB line of one name, if it is to be listed, and its STATUS when asked for. */
    private static void line(ImapSession s, Request q, String verb, String name, NavigableMap<String, Mailbox> existing,
                             NavigableSet<String> subscribed) throws IOException {
        if (!q.matches(name)) return;
        Mailbox m = existing.get(name);
        boolean isSubscribed = subscribed.contains(name);
        // A subscribed name below this one that the patterns do not reach themselves.
        boolean hiddenSubscribedChild = children(subscribed, name).stream().anyMatch(n -> !q.matches(n));
        List<String> attrs = new ArrayList<>();
        if (q.lsub()) {
            // RFC 3501 §6.3.9: "%" stopping at an unsubscribed parent of subscribed names shows it \Noselect.
            if (!isSubscribed && !hiddenSubscribedChild) return;
            if (!isSubscribed || m == null) attrs.add("\\Noselect");
            s.out.untagged(verb + " (" + String.join(" ", attrs) + ") \"/\" " + MailboxCommands.wire(s, name));
            return;
        }
        // RFC 5258 §3.5: with RECURSIVEMATCH an unsubscribed parent of a subscribed mailbox is listed
        // too, marked with CHILDINFO, so that a client can show the path to it.
        boolean childInfo = q.recursive() && !isSubscribed && hiddenSubscribedChild;
        if (q.selectSubscribed() ? !isSubscribed && !childInfo : m == null) return;
        if (q.selectSpecialUse() && (m == null || m.specialUse() == null)) return;
        if (m == null) attrs.add("\\NonExistent");
        if (q.returnChildren()) {
            boolean children = !children(existing.navigableKeySet(), name).isEmpty();
            if (children || m != null) attrs.add(children ? "\\HasChildren" : "\\HasNoChildren");
        }
        if (q.returnSubscribed() && isSubscribed) attrs.add("\\Subscribed");
        if (q.returnSpecialUse() && m != null && m.specialUse() != null) attrs.add(m.specialUse());
        s.out.untagged(verb + " (" + String.join(" ", attrs) + ") \"/\" " + MailboxCommands.wire(s, name)
                + (childInfo ? " (\"CHILDINFO\" (\"SUBSCRIBED\"))" : ""));
        if (q.statusItems() != null && m != null) s.out.untagged(MailboxCommands.statusLine(s, m, q.statusItems()));
    }

    /** The names below {@code name}: those starting with "name/", which sort from "name/" up to "name0". */
    private static NavigableSet<String> children(NavigableSet<String> names, String name) {
        return names.subSet(name + "/", true, name + (char) ('/' + 1), false);
    }

    private static Request parse(ImapSession s, ImapReader r, boolean lsub) throws ImapException, IOException {
        r.sp();
        boolean selectSubscribed = false, selectSpecialUse = false, recursive = false;
        if (!lsub && r.take('(')) {
            while (!r.take(')')) {
                r.take(' ');
                String opt = r.atom().toUpperCase(Locale.ROOT);
                switch (opt) {
                    case "SUBSCRIBED" -> selectSubscribed = true;
                    case "SPECIAL-USE" -> selectSpecialUse = true;
                    case "RECURSIVEMATCH" -> recursive = true;
                    case "REMOTE" -> { }
                    default -> throw ImapException.bad("Unknown LIST selection option");
                }
            }
            r.sp();
            if (recursive && !selectSubscribed) throw ImapException.bad("RECURSIVEMATCH needs another selection option");
        }
        String reference = MailboxCommands.mailboxName(s, r);
        r.sp();
        List<String> patterns = new ArrayList<>();
        if (!lsub && r.take('(')) {
            do {
                patterns.add(r.listMailbox());
            } while (r.take(' '));
            r.expect(')');
        } else {
            patterns.add(r.listMailbox());
        }
        boolean returnSubscribed = selectSubscribed, returnChildren = true, returnSpecialUse = true;
        List<String> statusItems = null;
        if (!lsub && r.take(' ')) {
            if (!r.takeKeyword("RETURN")) throw ImapException.bad("Expected RETURN");
            r.sp();
            r.expect('(');
            while (!r.take(')')) {
                r.take(' ');
                String opt = r.atom().toUpperCase(Locale.ROOT);
                switch (opt) {
                    case "SUBSCRIBED" -> returnSubscribed = true;
                    case "CHILDREN" -> returnChildren = true;
                    case "SPECIAL-USE" -> returnSpecialUse = true;
                    case "STATUS" -> {
                        r.sp();
                        statusItems = MailboxCommands.statusItems(r);
                    }
                    default -> throw ImapException.bad("Unknown LIST return option");
                }
            }
        }
        r.end();
        if (!s.utf8 && !s.rev2) {
            List<String> decoded = new ArrayList<>();
            for (String p : patterns) {
                // A pattern that is not modified UTF-7 can only match names that are not either: none.
                String d = MailboxName.decodeUtf7(p);
                if (d != null) decoded.add(d);
            }
            patterns = decoded;
        }
        return new Request(lsub, selectSubscribed, selectSpecialUse, recursive, reference, patterns, returnSubscribed,
                returnChildren, returnSpecialUse, statusItems);
    }
}
