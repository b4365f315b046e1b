package org.estafeta.imap;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estafeta.imap.ImapSession.Done;

/**
 * THREAD (RFC 5256 §4): ORDEREDSUBJECT groups by base subject; REFERENCES builds the reply tree from
 * Message-ID, References and In-Reply-To (the §4.2.1 algorithm), then joins roots with the same
 * subject. Siblings are ordered by sent date, ties by sequence number.
 */
final class ThreadCommand {

    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

    private ThreadCommand() {
    }

    /** One node of the tree; {@code number} is -1 for a dummy (a referenced message we do not have). */
    private static final class Node {
        long number = -1;
        Instant date;
        String subject = "";
        boolean reply;
        Node parent;
        final List<Node> children = new ArrayList<>();

        Instant sortDate() {
            if (date != null || children.isEmpty()) return date == null ? Instant.MIN : date;
            return children.stream().map(Node::sortDate).min(Comparator.naturalOrder()).orElse(Instant.MIN);
        }

        long sortNumber() {
            if (number >= 0 || children.isEmpty()) return number;
            return children.stream().mapToLong(Node::sortNumber).min().orElse(-1);
        }

        boolean isAncestorOf(Node other) {
            for (Node n = other; n != null; n = n.parent) if (n == this) return true;
            return false;
        }

        void adopt(Node child) {
            if (child.parent != null) child.parent.children.remove(child);
            child.parent = this;
            children.add(child);
        }
    }

    private static final Comparator<Node> ORDER = Comparator.comparing(Node::sortDate).thenComparingLong(Node::sortNumber);

    static Done thread(ImapSession s, ImapReader r, boolean byUid) throws ImapException, IOException {
        r.sp();
        String algorithm = r.atom().toUpperCase(Locale.ROOT);
        if (!algorithm.equals("ORDEREDSUBJECT") && !algorithm.equals("REFERENCES")) throw ImapException.bad("Unknown threading algorithm");
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
        List<Node> roots = algorithm.equals("REFERENCES") ? references(ctx, view, hits, byUid) : orderedSubject(ctx, view, hits, byUid);
        StringBuilder sb = new StringBuilder("THREAD");
        if (!roots.isEmpty()) sb.append(' ');
        for (Node root : roots) sb.append('(').append(members(root)).append(')');
        s.out.untagged(sb.toString());
        return Done.ok("THREAD completed");
    }

    private static Node node(SearchCommand.Ctx ctx, int index, boolean byUid) throws IOException {
        Node n = new Node();
        n.number = byUid ? ctx.m.uid() : index + 1L;
        n.date = ctx.sentOrInternal();
        SortCommand.Subject subject = SortCommand.subject(ctx.header().get("Subject"));
        // Compared with i;ascii-casemap, like SORT (RFC 5256 §2.1).
        n.subject = SortCommand.caseMap(subject.base());
        n.reply = subject.replyOrForward();
        return n;
    }

    /** RFC 5256 ORDEREDSUBJECT: per base subject, the earliest message with all others as its children. */
    private static List<Node> orderedSubject(SearchCommand.Ctx ctx, SelectedMailbox view, List<Integer> hits, boolean byUid)
            throws IOException {
        Map<String, List<Node>> groups = new LinkedHashMap<>();
        for (int i : hits) {
            ctx.reset(view.get(i), i + 1);
            Node n = node(ctx, i, byUid);
            groups.computeIfAbsent(n.subject, k -> new ArrayList<>()).add(n);
        }
        List<Node> roots = new ArrayList<>();
        for (List<Node> group : groups.values()) {
            group.sort(ORDER);
            Node root = group.getFirst();
            for (Node n : group.subList(1, group.size())) root.adopt(n);
            roots.add(root);
        }
        roots.sort(ORDER);
        return roots;
    }

    /** RFC 5256 §4.2.1 REFERENCES, steps 1 to 6. */
    private static List<Node> references(SearchCommand.Ctx ctx, SelectedMailbox view, List<Integer> hits, boolean byUid)
            throws IOException {
        Map<String, Node> byId = new HashMap<>();
        int unique = 0;
        for (int i : hits) {
            ctx.reset(view.get(i), i + 1);
            Node message = node(ctx, i, byUid);
            String id = firstId(ctx.header().get("Message-ID"));
            // Step 1A: a duplicate or missing Message-ID makes the message unique.
            if (id == null || byId.containsKey(id) && byId.get(id).number >= 0) id = "<unique-" + (unique++) + "@estafeta>";
            Node container = byId.get(id);
            if (container == null) {
                container = message;
                byId.put(id, container);
            } else {
                container.number = message.number;
                container.date = message.date;
                container.subject = message.subject;
                container.reply = message.reply;
            }
            List<String> refs = ids(ctx.header().get("References"));
            if (refs.isEmpty()) {
                String inReplyTo = firstId(ctx.header().get("In-Reply-To"));
                if (inReplyTo != null) refs = List.of(inReplyTo);
            }
            // Step 1B: link the references in order, never making a loop.
            Node previous = null;
            for (String ref : refs) {
                Node r = byId.computeIfAbsent(ref, k -> new Node());
                if (previous != null && r.parent == null && !r.isAncestorOf(previous) && r != previous) previous.adopt(r);
                previous = r;
            }
            // Step 1C: the message's own references decide its parent: an older link (made from another
            // message's References) is broken, and the last reference becomes the parent unless that
            // would make a loop.
            if (container.parent != null) {
                container.parent.children.remove(container);
                container.parent = null;
            }
            if (previous != null && previous != container && !container.isAncestorOf(previous)) previous.adopt(container);
        }
        // Step 2: the root set.
        List<Node> roots = new ArrayList<>();
        for (Node n : byId.values()) if (n.parent == null) roots.add(n);
        // Step 3: prune dummies.
        roots = prune(roots, true);
        for (Node n : roots) n.parent = null;
        // Step 5: join roots with the same base subject.
        Map<String, Node> bySubject = new LinkedHashMap<>();
        roots.sort(ORDER);
        for (Node root : roots) {
            String subject = subjectOf(root);
            if (subject.isEmpty()) continue;
            Node old = bySubject.get(subject);
            if (old == null || root.number < 0 && old.number >= 0 || old.reply && !root.reply && root.number >= 0) bySubject.put(subject, root);
        }
        List<Node> merged = new ArrayList<>();
        for (Node root : roots) {
            String subject = subjectOf(root);
            Node keep = subject.isEmpty() ? root : bySubject.get(subject);
            if (keep == root) {
                merged.add(root);
                continue;
            }
            if (keep.number < 0 && root.number < 0) {
                for (Node c : new ArrayList<>(root.children)) keep.adopt(c);
            } else if (keep.number < 0) {
                keep.adopt(root);
            } else if (root.reply && !keep.reply) {
                keep.adopt(root);
            } else {
                // Neither is a reply to the other: both become children of a new dummy in keep's place.
                Node dummy = new Node();
                int at = merged.indexOf(keep);
                dummy.adopt(keep);
                dummy.adopt(root);
                bySubject.put(subject, dummy);
                if (at >= 0) merged.set(at, dummy);
            }
        }
        // Step 6: order every level by date.
        sortTree(merged);
        return merged;
    }

    private static String subjectOf(Node n) {
        if (n.number >= 0 || n.children.isEmpty()) return n.subject;
        return n.children.getFirst().subject;
    }

    /** Removes dummies without children; replaces a dummy by its children, except at the root with several. */
    private static List<Node> prune(List<Node> level, boolean root) {
        List<Node> out = new ArrayList<>();
        for (Node n : level) {
            List<Node> kids = prune(new ArrayList<>(n.children), false);
            n.children.clear();
            for (Node k : kids) {
                k.parent = n;
                n.children.add(k);
            }
            if (n.number >= 0) {
                out.add(n);
            } else if (!n.children.isEmpty()) {
                if (root && n.children.size() > 1) out.add(n);
                else out.addAll(n.children);
            }
        }
        return out;
    }

    private static void sortTree(List<Node> level) {
        level.sort(ORDER);
        for (Node n : level) sortTree(n.children);
    }

    /** thread-members / thread-nested: a chain of only children is flat, siblings are parenthesised. */
    private static String members(Node n) {
        StringBuilder sb = new StringBuilder();
        Node cur = n;
        while (true) {
            if (cur.number >= 0) {
                if (!sb.isEmpty()) sb.append(' ');
                sb.append(cur.number);
            }
            if (cur.children.size() == 1 && cur.number >= 0) {
                cur = cur.children.getFirst();
                continue;
            }
            if (!cur.children.isEmpty()) {
                if (!sb.isEmpty()) sb.append(' ');
                for (Node c : cur.children) sb.append('(').append(members(c)).append(')');
            }
            return sb.toString();
        }
    }

    private static String firstId(String raw) {
        if (raw == null) return null;
        Matcher m = MESSAGE_ID.matcher(raw);
        return m.find() ? m.group() : null;
    }

    private static List<String> ids(String raw) {
        List<String> out = new ArrayList<>();
        if (raw == null) return out;
        Matcher m = MESSAGE_ID.matcher(raw);
        while (m.find()) out.add(m.group());
        return out;
    }
}
