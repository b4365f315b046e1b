package org.estafeta.sieve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.estafeta.mime.Headers;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.mime.PartContent;

/** A message held in memory, parsed with the shared MIME parser on first need. */
public final class ParsedMessage implements SieveMessage {

    private final byte[] bytes;
    private MimePart root;
    private List<Part> parts;

    public ParsedMessage(byte[] bytes) {
        this.bytes = bytes;
    }

    private MimePart root() {
        if (root == null) {
            try {
                root = MimeParser.parse(new ByteArrayInputStream(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    @Override
    public List<String> header(String name) {
        Headers h = root().headers();
        if (h == null) return List.of();
        List<String> raw = h.all(name);
        List<String> out = new ArrayList<>(raw.size());
        for (String v : raw) out.add(PartContent.decodeHeader(v).strip());
        return out;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public String rawBody() {
        MimePart r = root();
        return new String(bytes, (int) r.bodyStart(), (int) (r.end() - r.bodyStart()), StandardCharsets.UTF_8);
    }

    @Override
    public List<Part> parts() {
        if (parts == null) {
            List<Part> out = new ArrayList<>();
            collect(root(), out);
            parts = out;
        }
        return parts;
    }

    private void collect(MimePart p, List<Part> out) {
        if (p.isMultipart()) {
            for (MimePart c : p.children()) collect(c, out);
        } else if (p.isMessage() && p.message() != null) {
            collect(p.message(), out);
        } else {
            byte[] raw = Arrays.copyOfRange(bytes, (int) p.bodyStart(), (int) p.end());
            String text;
            try {
                text = p.type().equals("text") ? PartContent.text(p, raw) : new String(PartContent.decode(p, raw), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                text = "";
            }
            out.add(new Part(p.type() + "/" + p.subtype(), text));
        }
    }
}
