package org.estafeta.store.sql;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.MessageStructure.Address;
import org.estafeta.store.MessageStructure.Disposition;
import org.estafeta.store.MessageStructure.Entry;
import org.estafeta.store.MessageStructure.Envelope;
import org.estafeta.store.MessageStructure.Group;
import org.estafeta.store.MessageStructure.Param;
import org.estafeta.store.MessageStructure.Part;
import org.estafeta.store.MessageSummary;

/**
 * The {@link MessageSummary} of a message as one value in its row (column {@code summary}), in a small
 * binary form of our own. One value and not columns, because most of it is a tree (MIME parts within
 * parts, address groups) that columns could hold only as child tables, joined on every FETCH; and
 * nothing queries inside it: the webmail sorts and filters the summaries it reads, IMAP SEARCH uses the
 * text index. Binary and hand-written rather than JSON: no library in the store for it, it is compact
 * and quick to read for a list of thousands. The first byte is the format's version: a reader meeting
 * one it does not know treats the summary as missing, so it is computed again from the content.
 */
final class SummaryCodec {

    private static final int VERSION = 1;

    private SummaryCodec() {
    }

    static byte[] encode(MessageSummary s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeList(out, s.from(), SummaryCodec::writeListAddress);
            writeList(out, s.to(), SummaryCodec::writeListAddress);
            writeList(out, s.cc(), SummaryCodec::writeListAddress);
            writeString(out, s.subject());
            writeString(out, s.date() == null ? null : s.date().toString());
            writeString(out, s.messageId());
            writeList(out, s.references(), SummaryCodec::writeString);
            out.writeBoolean(s.hasAttachment());
            out.writeLong(s.size());
            writeEnvelope(out, s.structure().envelope());
            writePart(out, s.structure().body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The summary, or null for none, one in a format this version does not read, or a damaged one: each is computed again. */
    static MessageSummary decode(byte[] value) {
        if (value == null || value.length == 0 || value[0] != VERSION) return null;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value, 1, value.length - 1))) {
            List<MessageSummary.Address> from = readList(in, SummaryCodec::readListAddress);
            List<MessageSummary.Address> to = readList(in, SummaryCodec::readListAddress);
            List<MessageSummary.Address> cc = readList(in, SummaryCodec::readListAddress);
            String subject = readString(in);
            String date = readString(in);
            String messageId = readString(in);
            List<String> references = readList(in, SummaryCodec::readString);
            boolean hasAttachment = in.readBoolean();
            long size = in.readLong();
            Envelope envelope = readEnvelope(in);
            Part body = readPart(in);
            return new MessageSummary(from, to, cc, subject, date == null ? null : ZonedDateTime.parse(date), messageId, references,
                    hasAttachment, size, new MessageStructure(envelope, body));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> void writeList(DataOutputStream out, List<T> list, Writer<T> element) throws IOException {
        if (list == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(list.size());
        for (T t : list) element.write(out, t);
    }

    private static <T> List<T> readList(DataInputStream in, Reader<T> element) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(element.read(in));
        return out;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeListAddress(DataOutputStream out, MessageSummary.Address a) throws IOException {
        writeString(out, a.name());
        writeString(out, a.address());
    }

    private static MessageSummary.Address readListAddress(DataInputStream in) throws IOException {
        return new MessageSummary.Address(readString(in), readString(in));
    }

    private static void writeEnvelope(DataOutputStream out, Envelope e) throws IOException {
        writeString(out, e.date());
        writeString(out, e.subject());
        for (List<Entry> field : List.of(e.from(), e.sender(), e.replyTo(), e.to(), e.cc(), e.bcc())) {
            writeList(out, field, SummaryCodec::writeEntry);
        }
        writeString(out, e.inReplyTo());
        writeString(out, e.messageId());
    }

    private static Envelope readEnvelope(DataInputStream in) throws IOException {
        String date = readString(in), subject = readString(in);
        List<List<Entry>> fields = new ArrayList<>();
        for (int i = 0; i < 6; i++) fields.add(readList(in, SummaryCodec::readEntry));
        return new Envelope(date, subject, fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4), fields.get(5),
                readString(in), readString(in));
    }

    private static void writeEntry(DataOutputStream out, Entry entry) throws IOException {
        switch (entry) {
            case Address a -> {
                out.writeByte('a');
                writeAddress(out, a);
            }
            case Group g -> {
                out.writeByte('g');
                writeString(out, g.name());
                writeList(out, g.members(), SummaryCodec::writeAddress);
            }
        }
    }

    private static Entry readEntry(DataInputStream in) throws IOException {
        return switch (in.readByte()) {
            case 'a' -> readAddress(in);
            case 'g' -> new Group(readString(in), readList(in, SummaryCodec::readAddress));
            default -> throw new IOException("unknown address entry");
        };
    }

    private static void writeAddress(DataOutputStream out, Address a) throws IOException {
        writeString(out, a.name());
        writeString(out, a.comment());
        writeString(out, a.route());
        writeString(out, a.local());
        writeString(out, a.domain());
    }

    private static Address readAddress(DataInputStream in) throws IOException {
        return new Address(readString(in), readString(in), readString(in), readString(in), readString(in));
    }

    private static void writePart(DataOutputStream out, Part p) throws IOException {
        writeString(out, p.type());
        writeString(out, p.subtype());
        writeList(out, p.params(), SummaryCodec::writeParam);
        writeString(out, p.id());
        writeString(out, p.description());
        writeString(out, p.encoding());
        out.writeLong(p.size());
        out.writeLong(p.lines());
        writeString(out, p.md5());
        out.writeBoolean(p.disposition() != null);
        if (p.disposition() != null) {
            writeString(out, p.disposition().value());
            writeList(out, p.disposition().params(), SummaryCodec::writeParam);
        }
        writeList(out, p.language(), SummaryCodec::writeString);
        writeString(out, p.location());
        writeList(out, p.children(), SummaryCodec::writePart);
        out.writeBoolean(p.message() != null);
        if (p.message() != null) {
            writeEnvelope(out, p.messageEnvelope());
            writePart(out, p.message());
        }
    }

    private static Part readPart(DataInputStream in) throws IOException {
        String type = readString(in), subtype = readString(in);
        List<Param> params = readList(in, SummaryCodec::readParam);
        String id = readString(in), description = readString(in), encoding = readString(in);
        long size = in.readLong(), lines = in.readLong();
        String md5 = readString(in);
        Disposition disposition = in.readBoolean() ? new Disposition(readString(in), readList(in, SummaryCodec::readParam)) : null;
        List<String> language = readList(in, SummaryCodec::readString);
        String location = readString(in);
        List<Part> children = readList(in, SummaryCodec::readPart);
        Envelope messageEnvelope = null;
        Part message = null;
        if (in.readBoolean()) {
            messageEnvelope = readEnvelope(in);
            message = readPart(in);
        }
        return new Part(type, subtype, params, id, description, encoding, size, lines, md5, disposition, language, location, children,
                messageEnvelope, message);
    }

    private static void writeParam(DataOutputStream out, Param p) throws IOException {
        writeString(out, p.name());
        writeString(out, p.value());
    }

    private static Param readParam(DataInputStream in) throws IOException {
        return new Param(readString(in), readString(in));
    }
}
