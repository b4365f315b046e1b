package org.estafeta.mailfile;

import java.time.Instant;
import java.util.List;

/**
 * One message read from a mail file: its content as it was before the file's own encoding (From-line
 * quoting, metadata fields), with the line ends the file had.
 *
 * @param where the file, and the folder inside a Maildir++ tree ("" for its root, else the IMAP name)
 * @param offset where the message starts in an mbox file; 0 for a Maildir file
 * @param end how far into the file the reader is once this message is read (progress)
 * @param flags {@link org.estafeta.store.Flag} bits
 */
record Found(String where, String folder, long offset, long end, byte[] content, Instant date, int flags, List<String> keywords) {
    Found {
        keywords = List.copyOf(keywords);
    }
}
