package org.estafeta.store;

/**
 * The IMAP ENVELOPE, BODY and BODYSTRUCTURE of a message in IMAP syntax, computed once (mime package)
 * when the message arrives and cached beside it.
 */
public record MessageStructure(String envelope, String body, String bodyStructure) {
}
