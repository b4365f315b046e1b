package org.estafeta.imap;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.imap.ImapSession.Done;
import org.estafeta.mime.ImapStructure;
import org.estafeta.mime.NulEncoding;
import org.estafeta.store.Blob;
import org.estafeta.store.Blobs;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.Messages;

/**
 * APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502): one or more messages, each streamed from its
 * literal into a new blob that is fsynced; then all rows are committed in one transaction, so either
 * every message is added or none, before the OK (durably, like SMTP delivery). Each message is
 * bounded by limits.message_size (advertised as APPENDLIMIT), checked before its literal is sent.
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
        List<Messages.NewMessage> messages = new ArrayList<>();
        long bytes = 0;
        do {
            r.sp();
            Messages.NewMessage m = message(s, r, bytes);
            messages.add(m);
            bytes += m.blob().size();
        } while (!r.atEnd());
        List<Long> uids = s.services.messages().appendAll(mailbox.id(), messages);
        return new Done("APPENDUID " + mailbox.uidValidity() + " " + SequenceSet.format(uids), "APPEND completed");
    }

    /** One [flag-list] [date-time] literal, stored as a durable blob; {@code before} octets precede it. */
    private static Messages.NewMessage message(ImapSession s, ImapReader r, long before) throws ImapException, IOException {
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
        Blobs blobs = s.services.blobs();
        Blob blob;
        boolean nul;
        try (Blobs.BlobWriter writer = blobs.create()) {
            NulWatch watch = new NulWatch(writer);
            r.literal(watch, limit);
            if (utf8Form) r.expect(')');
            if (size == 0) throw ImapException.no("CANNOT", "Empty message");
            blob = writer.finish();
            nul = watch.seen;
        }
        if (nul) blob = withoutNul(blobs, blob);
        try (InputStream in = blobs.open(blob.hash())) {
            return new Messages.NewMessage(blob, flags, keywords, date, ImapStructure.of(in, s.settings.mimeParts()));
        }
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
    private static Blob withoutNul(Blobs blobs, Blob original) throws ImapException, IOException {
        byte[] raw;
        try (InputStream in = blobs.open(original.hash())) {
            raw = in.readAllBytes();
        }
        byte[] encoded = NulEncoding.encode(raw);
        if (encoded == null) throw ImapException.no("PARSE", "NUL in a message header");
        try (Blobs.BlobWriter writer = blobs.create()) {
            writer.write(encoded);
            return writer.finish();
        }
    }
}
