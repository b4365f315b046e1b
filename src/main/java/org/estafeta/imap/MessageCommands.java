package org.estafeta.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.estafeta.imap.ImapCommand.State;
import org.estafeta.imap.ImapSession.Done;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.Messages;

/**
 * Commands that change messages of the selected mailbox (RFC 9051 §6.4): STORE (with CONDSTORE's
 * UNCHANGEDSINCE), COPY and MOVE (with UIDPLUS's COPYUID), EXPUNGE and UID EXPUNGE, CLOSE, UNSELECT.
 */
final class MessageCommands {

    private MessageCommands() {
    }

    static Done store(ImapSession s, ImapReader r, boolean byUid) throws ImapException, IOException {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
        long unchangedSince = -1;
        if (r.take('(')) {
            if (!r.takeKeyword("UNCHANGEDSINCE")) throw ImapException.bad("Unknown STORE modifier");
            r.sp();
            unchangedSince = r.number();
            r.expect(')');
            r.sp();
        }
        Messages.Mode mode = r.take('+') ? Messages.Mode.ADD : r.take('-') ? Messages.Mode.REMOVE : Messages.Mode.REPLACE;
        String item = r.atom().toUpperCase(java.util.Locale.ROOT);
        if (!item.equals("FLAGS") && !item.equals("FLAGS.SILENT")) throw ImapException.bad("Expected FLAGS, +FLAGS or -FLAGS");
        boolean silent = item.endsWith(".SILENT");
        r.sp();
        List<String> names = r.flagList(true);
        r.end();
        SelectedMailbox view = s.selected;
        if (view.readOnly) throw ImapException.no("READ-ONLY", "Mailbox is read-only");
        int flags = 0;
        Set<String> keywords = new java.util.LinkedHashSet<>();
        for (String name : names) {
            Flag f = Flag.byImapName(name);
            if (f != null) flags |= f.bit();
            else if (name.equalsIgnoreCase("\\Recent")) continue;
            else if (name.startsWith("\\")) throw ImapException.bad("Unknown system flag " + ImapWriter.sanitize(name));
            else if (!Flag.isKeyword(name)) throw ImapException.bad("Invalid characters in keyword " + ImapWriter.sanitize(name));
            else keywords.add(view.spelling(name));
        }
        if (unchangedSince >= 0) s.enableCondstore();
        List<Integer> indexes = view.resolve(set, byUid, s.savedSearch);
        List<Long> uids = new ArrayList<>();
        for (int i : indexes) uids.add(view.get(i).uid());
        Messages.FlagResult result = s.services.messages().setFlags(view.mailbox().id(), uids, mode, flags, keywords, unchangedSince);
        Set<Long> changed = new HashSet<>();
        for (MessageInfo m : result.changed()) {
            view.update(m);
            changed.add(m.uid());
        }
        Set<Long> modified = new HashSet<>(result.modified());
        for (int i : indexes) {
            MessageInfo m = view.get(i);
            if (modified.contains(m.uid())) continue;
            // RFC 7162 §3.1.3: with CONDSTORE the client learns the new MODSEQ even with .SILENT.
            boolean tell = !silent || s.condstore && changed.contains(m.uid());
            if (!tell) continue;
            if (!silent) view.announceKeywords(s, m);
            StringBuilder sb = new StringBuilder().append(i + 1).append(" FETCH (");
            if (!silent) sb.append(view.flagsItem(s, m)).append(' ');
            if (byUid || silent) sb.append("UID ").append(m.uid()).append(' ');
            if (s.condstore) sb.append("MODSEQ (").append(m.modSeq()).append(") ");
            sb.setLength(sb.length() - 1);
            s.out.untagged(sb.append(')').toString());
        }
        if (!modified.isEmpty()) {
            List<Long> which = new ArrayList<>();
            for (int i : indexes) {
                MessageInfo m = view.get(i);
                if (modified.contains(m.uid())) which.add(byUid ? m.uid() : i + 1L);
            }
            return new Done("MODIFIED " + SequenceSet.format(which), "Conditional STORE failed for some messages");
        }
        return Done.ok("STORE completed");
    }

    static Done copy(ImapSession s, ImapReader r, boolean byUid, boolean move) throws ImapException, IOException {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
        String name = MailboxCommands.mailboxName(s, r);
        r.end();
        SelectedMailbox view = s.selected;
        if (move && view.readOnly) throw ImapException.no("READ-ONLY", "Mailbox is read-only");
        Mailbox target = s.services.mailboxes().mailbox(s.account.id(), name)
                .orElseThrow(() -> ImapException.no("TRYCREATE", "No such mailbox"));
        List<Integer> indexes = view.resolve(set, byUid, s.savedSearch);
        String verb = move ? "MOVE" : "COPY";
        if (indexes.isEmpty()) return Done.ok(verb + " completed, nothing to do");
        List<Long> uids = new ArrayList<>();
        long bytes = 0;
        for (int i : indexes) {
            uids.add(view.get(i).uid());
            bytes += view.get(i).size();
        }
        // A move within one account frees what it takes; a copy needs room for all of it.
        if (!move) MailboxCommands.checkQuota(s, bytes);
        Messages.Copied copied = s.services.messages().copy(view.mailbox().id(), uids, target.id(), move);
        String code = copied.sourceUids().isEmpty() ? null
                : "COPYUID " + copied.uidValidity() + " " + SequenceSet.format(copied.sourceUids()) + " " + SequenceSet.format(copied.newUids());
        if (!move) return new Done(code, "COPY completed");
        // RFC 6851 §4.3: COPYUID comes untagged before the expunges.
        if (code != null) s.out.untagged("OK [" + code + "] Moved");
        view.expunged(s, copied.sourceUids());
        return Done.ok("MOVE completed");
    }

    static Done expunge(ImapSession s, ImapReader r, boolean byUid) throws ImapException, IOException {
        SequenceSet set = null;
        if (byUid) {
            r.sp();
            set = r.sequenceSet();
        }
        r.end();
        SelectedMailbox view = s.selected;
        if (view.readOnly) throw ImapException.no("READ-ONLY", "Mailbox is read-only");
        // Only messages this session knows about; others' new messages wait for the next update.
        List<Long> candidates = new ArrayList<>();
        List<Integer> indexes = set == null ? null : view.resolve(set, true, s.savedSearch);
        if (indexes == null) for (MessageInfo m : view.all()) candidates.add(m.uid());
        else for (int i : indexes) candidates.add(view.get(i).uid());
        List<Long> gone = s.services.messages().expunge(view.mailbox().id(), candidates);
        view.expunged(s, gone);
        return Done.ok("EXPUNGE completed");
    }

    /** CLOSE expunges silently (unless read-only); UNSELECT does not (RFC 3691). */
    static Done close(ImapSession s, ImapReader r, boolean expunge) throws ImapException, IOException {
        r.end();
        SelectedMailbox view = s.selected;
        if (expunge && !view.readOnly) {
            List<Long> known = new ArrayList<>();
            for (MessageInfo m : view.all()) known.add(m.uid());
            s.services.messages().expunge(view.mailbox().id(), known);
        }
        view.close();
        s.selected = null;
        s.state = State.AUTHENTICATED;
        return Done.ok((expunge ? "CLOSE" : "UNSELECT") + " completed");
    }
}
