/**
 * Other servers' mail files, for moving to Estafeta and away from it: mbox files (mboxrd and mboxo
 * From-line quoting, and Dovecot's and mutt's mboxcl2 with Content-Length and Status/X-Keywords
 * metadata) and Maildir folders with their Maildir++ subfolders, flags in the file names and Dovecot's
 * {@code dovecot-keywords}. {@link org.estafeta.mailfile.Importer} hands each message to the one inbound
 * path ({@code delivery.Inbound}, channel IMPORTED: stored byte for byte, no trace, no filter);
 * {@link org.estafeta.mailfile.Exporter} writes an account as a Maildir++ tree.
 *
 * <p>Bad input never stops an import: a truncated message or a file that is no mail is reported with
 * its file and offset, and the next message is read.
 */
package org.estafeta.mailfile;
