/**
 * Mailbox change notifications for IMAP IDLE and NOOP. In-process for the embedded store; the store
 * publishes after every committed change (delivery, IMAP, POP3), so no protocol has to remember to.
 * A PostgreSQL deployment would relay the same notices with LISTEN/NOTIFY across nodes.
 */
package org.estafeta.events;
