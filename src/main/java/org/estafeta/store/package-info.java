/**
 * What the mail server keeps: domains, accounts, aliases, mailboxes, messages and their blobs.
 *
 * <p>Invariants every implementation keeps: a message is visible only after its blob is on disk and
 * its row is committed (durability before any 250 / +OK / OK); UIDs grow strictly within a mailbox
 * and are assigned in the delivering transaction; UIDVALIDITY never changes for a live mailbox;
 * addresses and domains are stored lower-case.
 *
 * <p><b>One message API.</b> {@link org.estafeta.store.Mailboxes} is an account's folders (names,
 * counters, subscriptions, the POP3 maildrop lock); {@link org.estafeta.store.Messages} is the messages
 * in them, for POP3, IMAP and the webmail alike, each named by mailbox and UID and seen as a
 * {@link org.estafeta.store.MessageInfo}. By UID, not by row id, because UIDs are what clients hold
 * (IMAP's UID, POP3's UIDL is UIDVALIDITY.UID) and what every change reports (COPYUID, VANISHED);
 * a second API by row id over the same rows gave two ways to flag and remove a message, each with its
 * own MODSEQ and notification code to keep alike. POP3 needs nothing of its own: its message numbers
 * are a session's view over the INBOX's UIDs at login (pop3.Maildrop), its QUIT is
 * {@link org.estafeta.store.Messages#setFlags} (\Seen) and {@link org.estafeta.store.Messages#delete}.
 *
 * <p><b>One summary.</b> Each message carries a typed {@link org.estafeta.store.MessageSummary}
 * (list fields and the {@link org.estafeta.store.MessageStructure} IMAP writes ENVELOPE and
 * BODYSTRUCTURE from), computed while it arrives and cached in its row; the webmail's list and IMAP
 * FETCH read the same one ({@link org.estafeta.store.MessageSummaries} computes it once for messages
 * stored before it was kept).
 */
package org.estafeta.store;
