package org.estafeta.store;

/**
 * What a sender asked for on MAIL FROM that the next hop must honour too, so it travels with the
 * message through the queue.
 */
public enum MailOption {
    /** RFC 6531 §3.4: UTF-8 in the envelope or the header; only a peer that offers SMTPUTF8 may take it. */
    SMTPUTF8,
    /** RFC 3030 §3: BODY=BINARYMIME; only a peer that offers BINARYMIME and CHUNKING may take it. */
    BINARYMIME,
    /** RFC 8689 §4: only over TLS with a verified certificate, all the way. */
    REQUIRETLS
}
