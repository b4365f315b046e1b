package org.estafeta.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;

/**
 * The content of a part as people read it: transfer encoding undone (RFC 2045 §6), text in its
 * charset, encoded words in header values decoded (RFC 2047), file names (RFC 2183, RFC 2231). Shared
 * by IMAP SEARCH and the webmail, so that both find and show the same text.
 */
public final class PartContent {

    private PartContent() {
    }

    /** The body bytes with base64 or quoted-printable undone. */
    public static byte[] decode(MimePart p, byte[] raw) throws IOException {
        String cte = p.headers().get("Content-Transfer-Encoding");
        cte = cte == null ? "" : cte.strip().toLowerCase(Locale.ROOT);
        return switch (cte) {
            case "base64" -> new Base64InputStream(new ByteArrayInputStream(raw), DecodeMonitor.SILENT).readAllBytes();
            case "quoted-printable" -> new QuotedPrintableInputStream(new ByteArrayInputStream(raw)).readAllBytes();
            default -> raw;
        };
    }

    /** The part's charset, UTF-8 when absent or unknown. */
    public static Charset charset(MimePart p) {
        String name = p.param("charset");
        if (name != null) {
            try {
                return Charset.forName(name.strip());
            } catch (RuntimeException ignored) {
                // unknown charset: read as UTF-8
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** A text part's body as a string. */
    public static String text(MimePart p, byte[] raw) throws IOException {
        return new String(decode(p, raw), charset(p));
    }

    /** The parts that hold text to search: text/* leaves, and the body of a single-part message whatever its type. */
    public static List<MimePart> textLeaves(MimePart root) {
        List<MimePart> out = new ArrayList<>();
        collectText(root, out, true);
        return out;
    }

    private static void collectText(MimePart p, List<MimePart> out, boolean top) {
        if (p.isMultipart()) {
            for (MimePart c : p.children()) collectText(c, out, false);
        } else if (p.isMessage()) {
            collectText(p.message(), out, false);
        } else if (p.type().equals("text") || top) {
            out.add(p);
        }
    }

    /** A header value with RFC 2047 encoded words decoded. */
    public static String decodeHeader(String value) {
        return value == null ? null : DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
    }

    /** A Content-Type parameter of the part, or null. */
    public static String parameter(MimePart p, String name) {
        return p.param(name);
    }

    /** {@code attachment}, {@code inline} or null, from Content-Disposition. */
    public static String disposition(MimePart p) {
        String raw = p.headers() == null ? null : p.headers().get("Content-Disposition");
        if (raw == null) return null;
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Disposition", raw));
        return body.getValue() == null ? null : body.getValue().strip().toLowerCase(Locale.ROOT);
    }

    /** The file name from Content-Disposition's filename (RFC 2231 and 2047 forms too) or Content-Type's name; null if none. */
    public static String filename(MimePart p) {
        String raw = p.headers() == null ? null : p.headers().get("Content-Disposition");
        String name = null;
        if (raw != null) {
            var field = org.apache.james.mime4j.field.Fields.contentDisposition(raw);
            name = field.getFilename();
        }
        if (name == null || name.isBlank()) name = p.param("name");
        return name == null || name.isBlank() ? null : decodeHeader(name);
    }
}
