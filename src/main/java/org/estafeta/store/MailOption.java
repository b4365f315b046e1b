package org.estafeta.store;

/**
 * What a sender asked for about the transport of a message, kept with it in the queue for the next hop.
 * (SMTPUTF8 is not stored: the relay client works it out again from the addresses and the header.)
 */
public enum MailOption {
    /** RFC 6531 §3.4: UTF-8 in the envelope or the header; only a peer that offers SMTPUTF8 may take it. */
    SMTPUTF8,
    /** RFC 3030 §3: BODY=BINARYMIME; only a peer that offers BINARYMIME and CHUNKING may take it. */
    BINARYMIME,
    /** RFC 8689 §4.1: REQUIRETLS on MAIL FROM; relayed only over verified TLS to a peer that offers REQUIRETLS. */
    REQUIRETLS,
    /**
     * RFC 8689 §3, §4.2.2: the header field {@code TLS-Required: No} (and no REQUIRETLS): the sender
     * asks that MTA-STS (and DANE) failures be ignored for this message; TLS is still tried.
     */
    TLS_OPTIONAL
}
