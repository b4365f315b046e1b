package org.estafeta.imap;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.delivery.InboundMessage;
import org.estafeta.delivery.Refused;
import org.estafeta.imap.ImapSession.Done;
import org.estafeta.mime.NulEncoding;
import org.estafeta.store.Filing;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;

/**
 * APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502): each message is streamed from its literal
 * into the inbound path (channel IMPORTED: stored as sent, no trace field, no filter, its flags and
 * date kept); then all are committed in one transaction, so either every message is added or none,
 * before the OK (durably, like SMTP delivery). Each message is bounded by limits.message_size
 * (advertised as APPENDLIMIT), checked before its literal is sent.
 */
final class AppendCommand {

    private AppendCommand() {
    }

    static Done append(ImapSession s, ImapReader r) throws ImapException, IOException {
        r.sp();
        String name = MailboxCommands.mailboxName(s, r);
        // Checked before the first literal is invited, so a refused message is never sent.
        Mailbox mailbox = s.services.mailboxes().mailbox(s.account.id(), name)
                .orElseThrow(() -> ImapException.no("TRYCREATE", "No such mailbox"));
        List<InboundMessage> messages = new ArrayList<>();
        try {
            long bytes = 0;
            do {
                r.sp();
                InboundMessage m = message(s, r, mailbox, bytes);
                messages.add(m);
                bytes += m.size();
            } while (!r.atEnd());
            s.services.inbound().commitAll(messages);
        } catch (Refused e) {
            throw e.code() == 552 ? ImapException.no("OVERQUOTA", "Quota exceeded") : ImapException.no(null, "Message refused");
        } finally {
            messages.forEach(InboundMessage::close);
        }
        List<Long> uids = messages.stream().map(m -> m.uids().getFirst()).toList();
        return new Done("APPENDUID " + mailbox.uidValidity() + " " + SequenceSet.format(uids), "APPEND completed");
    }

    /** One [flag-list] [date-time] literal, written into a new inbound message; {@code before} octets precede it. */
    private static InboundMessage message(ImapSession s, ImapReader r, Mailbox mailbox, long before) throws ImapException, IOException {
        List<String> flagNames = List.of();
        if (r.peekIs('(')) {
            flagNames = r.flagList(false);
            r.sp();
        }
        Instant date = Instant.now();
        if (r.peekIs('"')) {
            date = r.dateTime().toInstant();
            r.sp();
        }
        boolean utf8Form = false;
        if (r.takeKeyword("UTF8")) {
            // RFC 6855 §4: APPEND ... UTF8 (~{n}).
            r.sp();
            r.expect('(');
            utf8Form = true;
        }
        int flags = 0;
        List<String> keywords = new ArrayList<>();
        for (String f : flagNames) {
            Flag flag = Flag.byImapName(f);
            if (flag != null) flags |= flag.bit();
            else if (f.startsWith("\\")) throw ImapException.bad("Unknown system flag " + ImapWriter.sanitize(f));
            else if (!Flag.isKeyword(f)) throw ImapException.bad("Invalid characters in keyword " + ImapWriter.sanitize(f));
            else keywords.add(f);
        }
        long size = r.literalSize();
        long limit = s.settings.appendLimit();
        if (size < 0) throw ImapException.bad("Expected the message as a literal");
        if (size <= limit) MailboxCommands.checkQuota(s, before + size);
        if (size > limit) {
            // Refused before it is sent (RFC 7888 §4).
            r.literal(OutputStream.nullOutputStream(), limit);
        }
        Filing filing = new Filing(s.account.id(), mailbox.name(), flags, keywords);
        InboundMessage m = open(s, filing, date);
        try {
            NulWatch watch = new NulWatch(m);
            r.literal(watch, limit);
            if (utf8Form) r.expect(')');
            if (size == 0) throw ImapException.no("CANNOT", "Empty message");
            if (watch.seen) m = withoutNul(s, m, filing, date);
            return m;
        } catch (ImapException | IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The message for the logged-in user's own mailbox, as the inbound path takes it. */
    private static InboundMessage open(ImapSession s, Filing filing, Instant date) {
        return s.services.inbound().openFiled(s.account.address(), filing).dated(date);
    }

    /** Passes octets on and notes whether a NUL went by. */
    private static final class NulWatch extends FilterOutputStream {
        boolean seen;

        NulWatch(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            if (b == 0) seen = true;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!seen) seen = NulEncoding.hasNul(b, off, off + len);
            out.write(b, off, len);
        }
    }

    /**
     * A literal8 APPEND with NUL (RFC 3516 §4.4): stored with those parts as base64, so that no
     * {@code {n}} literal ever carries NUL (see {@link NulEncoding}); NUL in a header is refused.
     */
    private static InboundMessage withoutNul(ImapSession s, InboundMessage original, Filing filing, Instant date)
            throws ImapException, IOException {
        byte[] raw;
        try (InputStream in = original.content()) {
            raw = in.readAllBytes();
        }
        original.close();
        byte[] encoded = NulEncoding.encode(raw);
        if (encoded == null) throw ImapException.no("PARSE", "NUL in a message header");
        InboundMessage m = open(s, filing, date);
        m.write(encoded);
        return m;
    }
}
