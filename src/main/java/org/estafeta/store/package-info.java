/**
 * What the mail server keeps: domains, accounts, aliases, mailboxes, messages and their blobs.
 *
 * <p>Invariants every implementation keeps: a message is visible only after its blob is on disk and
 * its row is committed (durability before any 250 / +OK / OK); UIDs grow strictly within a mailbox
 * and are assigned in the delivering transaction; UIDVALIDITY never changes for a live mailbox;
 * addresses and domains are stored lower-case.
 */
package org.estafeta.store;
