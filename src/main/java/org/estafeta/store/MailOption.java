package org.estafeta.store;

/**
 * What a sender asked for on MAIL FROM, handed to the pipeline with the envelope. (The queue does not
 * store them: the relay client works out SMTPUTF8 again from the addresses and the header.)
 */
public enum MailOption {
    /** RFC 6531 §3.4: UTF-8 in the envelope or the header; only a peer that offers SMTPUTF8 may take it. */
    SMTPUTF8,
    /** RFC 3030 §3: BODY=BINARYMIME; only a peer that offers BINARYMIME and CHUNKING may take it. */
    BINARYMIME
}
