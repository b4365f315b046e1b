package org.estafeta.sieve;

import java.util.List;

/** What a script may look at in a message; {@link ParsedMessage} reads it from the stored bytes. */
public interface SieveMessage {

    /** Every field of that name, in order, unfolded, with RFC 2047 encoded words decoded (RFC 5228 §5.7). */
    List<String> header(String name);

    long size();

    /** The body after the header, undecoded, for body :raw (RFC 5173 §5.1). */
    String rawBody();

    /** The leaf parts with their "type/subtype" and decoded text, for body :content and :text (RFC 5173 §5.2-5.3). */
    List<Part> parts();

    record Part(String contentType, String text) {
    }
}
