package org.estafeta.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.estafeta.imap.ImapCommand.State;
import org.estafeta.imap.ImapSession.Done;

import org.estafeta.store.Conflict;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MailboxStatus;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;

/**
 * Commands on mailboxes as a whole (RFC 9051 §6.3): SELECT, EXAMINE, CREATE, DELETE, RENAME,
 * SUBSCRIBE, UNSUBSCRIBE, NAMESPACE, STATUS, and QUOTA's GETQUOTA/GETQUOTAROOT; LIST and LSUB are
 * in {@link ListCommand}, APPEND in {@link AppendCommand}.
 */
final class MailboxCommands {

    private MailboxCommands() {
    }

    /** A mailbox name argument in stored form (UTF-8, INBOX upper case). */
    static String mailboxName(ImapSession s, ImapReader r) throws ImapException, IOException {
        String raw = r.astring();
        String name = raw;
        if (!s.utf8 && !s.rev2) {
            name = MailboxName.decodeUtf7(raw);
            // No mailbox can have such a name (RFC 3501 §5.1.3): a failure, not a syntax error.
            if (name == null) throw ImapException.no("CANNOT", "Mailbox name is not valid modified UTF-7");
        }
        return MailboxName.normalize(name);
    }

    /** A mailbox name as the client expects it: UTF-8 after ENABLE, else modified UTF-7. */
    static String wire(ImapSession s, String name) {
        // RFC 6855 §3: after ENABLE UTF8=ACCEPT quoted strings carry UTF-8; names hold no control characters.
        if (s.utf8 || s.rev2) return ImapSyntax.quoted(name);
        return ImapSyntax.quoted(MailboxName.encodeUtf7(name));
    }

    static Mailbox existing(ImapSession s, String name) throws ImapException {
        return s.services.mailboxes().mailbox(s.account.id(), name)
                .orElseThrow(() -> ImapException.no("NONEXISTENT", "No such mailbox"));
    }

    // --- SELECT / EXAMINE ---

    static Done select(ImapSession s, ImapReader r, boolean examine) throws ImapException, IOException {
        r.sp();
        String name = mailboxName(s, r);
        long qresyncValidity = -1, qresyncModSeq = -1;
        SequenceSet qresyncKnown = null;
        boolean condstoreParam = false;
        if (r.take(' ')) {
            r.expect('(');
            do {
                if (r.takeKeyword("CONDSTORE")) {
                    condstoreParam = true;
                } else if (r.takeKeyword("QRESYNC")) {
                    if (!s.qresync) throw ImapException.bad("QRESYNC must be enabled first");
                    r.sp();
                    r.expect('(');
                    qresyncValidity = r.nzNumber();
                    r.sp();
                    qresyncModSeq = r.number();
                    if (r.take(' ')) {
                        if (r.peekSequenceSet()) qresyncKnown = r.sequenceSet();
                        if (r.take(' ') || r.peekIs('(')) {
                            // Sequence match data: accepted, not needed since we keep every expunged UID.
                            r.expect('(');
                            r.sequenceSet();
                            r.sp();
                            r.sequenceSet();
                            r.expect(')');
                        }
                    }
                    r.expect(')');
                } else {
                    throw ImapException.bad("Unknown SELECT parameter");
                }
            } while (r.take(' '));
            r.expect(')');
        }
        r.end();
        if (s.selected != null) {
            s.selected.close();
            s.selected = null;
            s.state = State.AUTHENTICATED;
            // RFC 7162 §3.2.11, RFC 9051 §6.3.2: the old mailbox is closed before the new one's data.
            s.out.untagged("OK [CLOSED] Previous mailbox closed");
        }
        if (condstoreParam) s.condstore = true;
        Mailbox mailbox = existing(s, name);
        // Counters first, then the list: the list is at least as new, so no change can fall between.
        Messages.MailboxState state = s.services.messages().state(mailbox.id());
        if (state == null) throw ImapException.no("NONEXISTENT", "No such mailbox");
        List<MessageInfo> messages = s.services.snapshots().get(mailbox.id(), state.highestModSeq(), state.uidNext(),
                s.services.messages()::list);
        // EXAMINE shows \Recent but leaves it for the next SELECT (RFC 3501 §6.3.2); IMAP4rev2 has none.
        long recentMark = examine ? state.recentUid() : s.rev2 ? Long.MAX_VALUE : s.services.messages().claimRecent(mailbox.id());
        SelectedMailbox view = new SelectedMailbox(mailbox, examine, messages, recentMark, !s.rev2,
                state.highestModSeq(), state.uidNext());
        long uidNext = Math.max(state.uidNext(), messages.isEmpty() ? 0 : messages.getLast().uid() + 1);
        s.selected = view;
        s.state = State.SELECTED;

        view.sendFlags(s);
        s.out.untagged(messages.size() + " EXISTS");
        if (!s.rev2) {
            s.out.untagged(view.recentCount() + " RECENT");
            for (int i = 0; i < messages.size(); i++) {
                if (!messages.get(i).has(Flag.SEEN)) {
                    s.out.untagged("OK [UNSEEN " + (i + 1) + "] First unseen");
                    break;
                }
            }
        }
        s.out.untagged("OK [UIDVALIDITY " + mailbox.uidValidity() + "] UIDs valid");
        s.out.untagged("OK [UIDNEXT " + uidNext + "] Predicted next UID");
        s.out.untagged("OK [HIGHESTMODSEQ " + state.highestModSeq() + "] Highest");
        if (s.rev2) s.out.untagged("LIST () \"/\" " + wire(s, mailbox.name()));
        if (qresyncValidity == mailbox.uidValidity()) {
            qresync(s, view, qresyncModSeq, qresyncKnown);
        }
        return new Done(examine ? "READ-ONLY" : "READ-WRITE", (examine ? "EXAMINE" : "SELECT") + " completed");
    }

    /** RFC 7162 §3.2.5: what changed since the client's MODSEQ, as VANISHED (EARLIER) and FETCH. */
    private static void qresync(ImapSession s, SelectedMailbox view, long modSeq, SequenceSet known) throws IOException {
        List<Long> vanished = s.services.messages().expungedSince(view.mailbox().id(), modSeq);
        if (known != null) vanished = vanished.stream().filter(u -> known.contains(u, Long.MAX_VALUE - 1)).toList();
        if (!vanished.isEmpty()) s.out.untagged("VANISHED (EARLIER) " + SequenceSet.format(vanished));
        for (int i = 0; i < view.size(); i++) {
            MessageInfo m = view.get(i);
            if (m.modSeq() > modSeq) {
                view.announceKeywords(s, m);
                s.out.untagged((i + 1) + " FETCH (UID " + m.uid() + " " + view.flagsItem(s, m) + " MODSEQ (" + m.modSeq() + "))");
            }
        }
    }

    // --- CREATE / DELETE / RENAME / SUBSCRIBE ---

    static Done create(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.sp();
        String name = mailboxName(s, r);
        String specialUse = null;
        if (r.take(' ')) {
            // RFC 6154 §3: CREATE name (USE (\Sent)).
            r.expect('(');
            if (!r.takeKeyword("USE")) throw ImapException.bad("Unknown CREATE parameter");
            r.sp();
            List<String> uses = r.flagList(false);
            r.expect(')');
            if (uses.size() > 1) throw ImapException.no("USEATTR", "One special use per mailbox");
            if (!uses.isEmpty()) {
                specialUse = specialUse(uses.getFirst());
                if (specialUse == null) throw ImapException.no("USEATTR", "Unknown special use");
            }
        }
        r.end();
        if (name.endsWith("/")) name = name.substring(0, name.length() - 1);
        if (name.equals("INBOX")) throw ImapException.no("ALREADYEXISTS", "INBOX always exists");
        if (!MailboxName.valid(name)) throw ImapException.no("CANNOT", "Invalid mailbox name");
        if (s.services.mailboxes().mailbox(s.account.id(), name).isPresent()) {
            throw ImapException.no("ALREADYEXISTS", "Mailbox already exists");
        }
        // RFC 9051 §6.3.4: superior names are created too, so the hierarchy has no holes.
        int slash = -1;
        while ((slash = name.indexOf('/', slash + 1)) > 0) {
            String parent = name.substring(0, slash);
            if (s.services.mailboxes().mailbox(s.account.id(), parent).isEmpty()) {
                try {
                    s.services.mailboxes().create(s.account.id(), parent, null);
                } catch (Conflict ignored) {
                    // made meanwhile by another session
                }
            }
        }
        try {
            s.services.mailboxes().create(s.account.id(), name, specialUse);
        } catch (Conflict e) {
            throw ImapException.no("ALREADYEXISTS", "Mailbox already exists");
        }
        return Done.ok("CREATE completed");
    }

    private static String specialUse(String flag) {
        for (String u : List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")) {
            if (u.equalsIgnoreCase(flag)) return u;
        }
        return null;
    }

    static Done delete(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.sp();
        String name = mailboxName(s, r);
        r.end();
        if (name.equals("INBOX")) throw ImapException.no("CANNOT", "INBOX cannot be deleted");
        Mailbox mailbox = existing(s, name);
        // RFC 9051 §6.3.5: a mailbox with inferiors is not removed (we have no \Noselect placeholders).
        boolean hasChildren = s.services.mailboxes().mailboxes(s.account.id()).stream().anyMatch(m -> m.name().startsWith(name + "/"));
        if (hasChildren) throw ImapException.no("HASCHILDREN", "Delete the mailboxes below it first");
        if (s.selected != null && s.selected.mailbox().id() == mailbox.id()) {
            s.selected = null;
            s.state = State.AUTHENTICATED;
            s.out.untagged("OK [CLOSED] Mailbox deleted");
        }
        s.services.mailboxes().delete(mailbox.id());
        return Done.ok("DELETE completed");
    }

    static Done rename(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.sp();
        String from = mailboxName(s, r);
        r.sp();
        String to = mailboxName(s, r);
        r.end();
        existing(s, from);
        if (to.equals("INBOX") || !MailboxName.valid(to)) throw ImapException.no("CANNOT", "Invalid target name");
        if (to.startsWith(from + "/")) throw ImapException.no("CANNOT", "Cannot move a mailbox below itself");
        if (s.services.mailboxes().mailbox(s.account.id(), to).isPresent()) {
            throw ImapException.no("ALREADYEXISTS", "Target mailbox already exists");
        }
        try {
            s.services.mailboxes().rename(s.account.id(), from, to);
        } catch (Conflict e) {
            throw ImapException.no("ALREADYEXISTS", "Target mailbox already exists");
        }
        return Done.ok("RENAME completed");
    }

    static Done subscribe(ImapSession s, ImapReader r, boolean on) throws ImapException, IOException {
        r.sp();
        String name = mailboxName(s, r);
        r.end();
        if (!s.services.mailboxes().subscribe(s.account.id(), name, on) && on) {
            throw ImapException.no("NONEXISTENT", "No such mailbox");
        }
        return Done.ok((on ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed");
    }

    static Done namespace(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.end();
        s.out.untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
        return Done.ok("NAMESPACE completed");
    }

    // --- STATUS ---

    private static final Set<String> STATUS_ITEMS = Set.of("MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED",
            "SIZE", "HIGHESTMODSEQ", "APPENDLIMIT");

    static List<String> statusItems(ImapReader r) throws ImapException {
        r.expect('(');
        List<String> items = new ArrayList<>();
        do {
            String item = r.atom().toUpperCase(Locale.ROOT);
            if (!STATUS_ITEMS.contains(item)) throw ImapException.bad("Unknown STATUS item");
            items.add(item);
        } while (r.take(' '));
        r.expect(')');
        return items;
    }

    static Done status(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.sp();
        String name = mailboxName(s, r);
        r.sp();
        List<String> items = statusItems(r);
        r.end();
        Mailbox m = existing(s, name);
        s.out.untagged(statusLine(s, m, items));
        return Done.ok("STATUS completed");
    }

    static String statusLine(ImapSession s, Mailbox m, List<String> items) {
        MailboxStatus st = s.services.mailboxes().status(m.id());
        StringBuilder sb = new StringBuilder("STATUS ").append(wire(s, m.name())).append(" (");
        for (String item : items) {
            if (sb.charAt(sb.length() - 1) != '(') sb.append(' ');
            sb.append(item).append(' ').append(switch (item) {
                case "MESSAGES" -> st.messages();
                case "RECENT" -> st.recent();
                case "UIDNEXT" -> st.uidNext();
                case "UIDVALIDITY" -> st.uidValidity();
                case "UNSEEN" -> st.unseen();
                case "DELETED" -> st.deleted();
                case "SIZE" -> st.size();
                case "HIGHESTMODSEQ" -> st.highestModSeq();
                case "APPENDLIMIT" -> s.settings.appendLimit();
                default -> 0;
            });
        }
        return sb.append(')').toString();
    }

    // --- QUOTA (RFC 9208) ---

    /** NO [OVERQUOTA] when {@code bytes} more would not fit in the account (RFC 9208 §4.3). */
    static void checkQuota(ImapSession s, long bytes) throws ImapException {
        if (!s.services.quota().allows(s.account.id(), bytes)) throw ImapException.no("OVERQUOTA", "Quota exceeded");
    }

    /** One quota root, "", for the whole account; none when the account has no limit. */
    static Done getQuotaRoot(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.sp();
        String name = mailboxName(s, r);
        r.end();
        existing(s, name);
        boolean on = s.services.quota().enabled(s.account.id());
        s.out.untagged("QUOTAROOT " + wire(s, name) + (on ? " \"\"" : ""));
        if (on) s.out.untagged(quota(s));
        return Done.ok("GETQUOTAROOT completed");
    }

    static Done getQuota(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.sp();
        String root = r.astring();
        r.end();
        if (!root.isEmpty() || !s.services.quota().enabled(s.account.id())) throw ImapException.no("NONEXISTENT", "No such quota root");
        s.out.untagged(quota(s));
        return Done.ok("GETQUOTA completed");
    }

    /** STORAGE is in units of 1024 octets (RFC 9208 §5.1). */
    private static String quota(ImapSession s) {
        var q = s.services.quota();
        long used = q.used(s.account.id());
        return "QUOTA \"\" (STORAGE " + (used + 1023) / 1024 + " " + q.limit(s.account.id()) / 1024 + ")";
    }
}
