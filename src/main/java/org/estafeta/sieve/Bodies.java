package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The texts a body test looks at, per transform (RFC 5173 §5). */
final class Bodies {

    private Bodies() {
    }

    static List<String> values(SieveMessage message, Script.BodyTransform transform, List<String> contentTypes) {
        return switch (transform) {
            case RAW -> List.of(message.rawBody());
            case TEXT -> texts(message, List.of("text"));
            case CONTENT -> texts(message, contentTypes);
        };
    }

    /** RFC 5173 §5.2: "" matches every part, "text" every text/*, "text/plain" only that. */
    private static List<String> texts(SieveMessage message, List<String> types) {
        List<String> out = new ArrayList<>();
        for (SieveMessage.Part p : message.parts()) {
            String type = p.contentType().toLowerCase(Locale.ROOT);
            for (String t : types) {
                String want = t.toLowerCase(Locale.ROOT).strip();
                if (want.isEmpty() || want.equals(type) || !want.contains("/") && type.startsWith(want + "/")) {
                    out.add(p.text());
                    break;
                }
            }
        }
        return out;
    }
}
