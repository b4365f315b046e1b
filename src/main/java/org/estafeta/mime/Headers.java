package org.estafeta.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The header of an entity as raw bytes, split into fields on demand. */
public final class Headers {

    /** One field: its name as written and its raw value, unfolded, without the leading space. */
    public record Field(String name, String value, int start, int end) {
    }

    private final byte[] raw;
    private List<Field> fields;

    public Headers(byte[] raw) {
        this.raw = raw;
    }

    /** The header bytes as stored, including the blank line that ends it (if there was one). */
    public byte[] raw() {
        return raw;
    }

    public List<Field> fields() {
        if (fields == null) fields = split();
        return fields;
    }

    /** The first field of that name, unfolded; null if absent. */
    public String get(String name) {
        for (Field f : fields()) if (f.name().equalsIgnoreCase(name)) return f.value();
        return null;
    }

    public List<String> all(String name) {
        return fields().stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    /**
     * The fields named (or, with {@code not}, not named) in {@code names}, as raw bytes followed by the
     * blank line: IMAP {@code HEADER.FIELDS} and {@code HEADER.FIELDS.NOT} (RFC 9051 §6.4.5).
     */
    public byte[] select(Collection<String> names, boolean not) {
        Set<String> wanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        var out = new java.io.ByteArrayOutputStream();
        for (Field f : fields()) {
            if (wanted.contains(f.name().toLowerCase(Locale.ROOT)) != not) out.write(raw, f.start(), f.end() - f.start());
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private List<Field> split() {
        List<Field> out = new ArrayList<>();
        int i = 0;
        while (i < raw.length) {
            int start = i;
            int lineEnd = lineEnd(i);
            if (lineEnd - i <= 2 && (raw[i] == '\r' || raw[i] == '\n')) break;
            // Continuation lines start with a space or tab.
            int end = lineEnd;
            while (end < raw.length && (raw[end] == ' ' || raw[end] == '\t')) end = lineEnd(end);
            String text = new String(raw, start, end - start, StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            if (colon > 0) {
                // Unfolding drops the line ends; a bare CR too, which is no line end in a header (RFC 5322 §2.2)
                // and which Mime4j refuses as header injection when the value is parsed further.
                String value = text.substring(colon + 1).replace("\r", "").replace("\n", "");
                if (value.startsWith(" ") || value.startsWith("\t")) value = value.substring(1);
                out.add(new Field(text.substring(0, colon).strip(), value.stripTrailing(), start, end));
            }
            i = end;
        }
        return out;
    }

    private int lineEnd(int from) {
        for (int j = from; j < raw.length; j++) if (raw[j] == '\n') return j + 1;
        return raw.length;
    }
}
