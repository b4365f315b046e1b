package org.estafeta.delivery;

import java.io.IOException;
import java.io.InputStream;
import org.estafeta.mime.Headers;
import org.estafeta.mime.MimePart;
import org.estafeta.store.MessageSummary;

/**
 * A message as the hooks see it once its content is in: the top header section as the client sent it,
 * and the content to read again (from memory for most mail). {@link #structure()} and
 * {@link #summary()} are set for the per-recipient filter (they describe the message as stored, with
 * the trace fields) and null for arrival checks, which run before it is stored.
 */
public interface ArrivedMessage {

    Headers headers();

    /** The content as received, without anything the server adds; each call starts at the beginning. */
    InputStream content() throws IOException;

    long size();

    MimePart structure();

    MessageSummary summary();
}
