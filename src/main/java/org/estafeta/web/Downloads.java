package org.estafeta.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** File names and headers for attachment downloads. */
final class Downloads {

    /** Raster images a browser may show inline from a message part (never SVG, which can hold script). */
    static final Set<String> INLINE_IMAGES = Set.of("image/png", "image/gif", "image/jpeg", "image/webp");

    private Downloads() {
    }

    /**
     * A name that is only a name: no directories, no control characters, no quotes or reserved
     * characters, not hidden, not empty, at most 120 characters.
     */
    static String safeFilename(String name) {
        String n = name == null ? "" : name;
        int slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
        n = n.substring(slash + 1);
        StringBuilder sb = new StringBuilder();
        n.codePoints().forEach(c -> sb.appendCodePoint(c < 32 || c == 127 || "\"<>:|?*;%".indexOf(c) >= 0 || Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT ? '_' : c));
        String out = sb.toString().strip().replaceAll("^\\.+", "");
        if (out.isEmpty()) out = "attachment";
        if (out.length() > 120) out = out.substring(0, 120);
        return out;
    }

    /** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 8187). */
    static String contentDisposition(String disposition, String filename) {
        String safe = safeFilename(filename);
        String ascii = safe.replaceAll("[^\\x20-\\x7e]", "_").replace("\\", "_");
        String encoded = URLEncoder.encode(safe, StandardCharsets.UTF_8).replace("+", "%20");
        return disposition + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
