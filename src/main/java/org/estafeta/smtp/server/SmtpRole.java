package org.estafeta.smtp.server;

/** What a listener is for (RFC 6409 §3): receiving from the world, or taking mail from our own users. */
public enum SmtpRole {
    /** Port 25: anyone may deliver to our domains; AUTH is offered once the channel is safe. */
    MX,
    /** Ports 587 and 465: only authenticated users, sending as themselves, to anywhere. */
    SUBMISSION,
    /** Port 366 (RFC 2645): an authenticated customer says ATRN and takes the mail held for its domains. */
    ODMR
}
