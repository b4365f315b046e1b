/**
 * Mailbox change notifications for IMAP IDLE and NOOP. In-process for the embedded store; the store
 * publishes after every committed change (delivery, IMAP, POP3), so no protocol has to remember to.
 * Several nodes on one PostgreSQL relay the same notices to each other with LISTEN/NOTIFY
 * ({@link org.estafeta.events.ClusterNotices}); a notice only says which mailbox changed, so a lost or
 * repeated one cannot mislead.
 *
 * <p>And the live session traces ({@link org.estafeta.events.SessionTraces}): every mail connection's
 * dialogue, masked and shortened, for whoever watches it now (webmail, web admin, {@code estafeta
 * trace}). In memory only, per node; nothing is built while nobody watches.
 */
package org.estafeta.events;
