package org.estafeta.auth;

/**
 * One server-side SASL authentication (RFC 4422), protocol-neutral: bytes in, a {@link SaslStep}
 * out. The protocol does the framing (base64, "+ " or "334 " continuations, "*" to cancel) and
 * turns the final step into its own reply; the mechanism, the checks, the failed-login throttle and
 * the logging are here, shared by SMTP AUTH, POP3 AUTH and IMAP AUTHENTICATE.
 */
public interface SaslExchange {

    SaslMechanism mechanism();

    /**
     * The client's next message. On the first call {@code response} is the initial response, or null
     * when the client sent none (then client-first mechanisms answer with an empty challenge). After
     * a {@link SaslStep.Success} or {@link SaslStep.Failure} the exchange is over.
     */
    SaslStep next(byte[] response);
}
