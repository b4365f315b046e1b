package org.estafeta.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.estafeta.app.MailServer;
import org.estafeta.app.Storage;
import org.estafeta.config.Config;
import org.estafeta.mailfile.Importer;
import org.estafeta.mailfile.MboxQuoting;
import org.estafeta.mailfile.Problem;
import org.estafeta.store.Account;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code estafeta import}: moves mail in from another server's files. It works on the data dir
 * directly, like the other administration commands, with the server running or stopped: the store
 * is shared safely (SQLite's locks, the same group commit), every message still goes through the
 * inbound path and is fsynced before it counts, and no password or listener is needed on the day of
 * a migration, when the server is often not up yet. A running server's IMAP clients see the new
 * messages at their next command.
 */
@Command(name = "import", description = {
        "Import mbox files, Maildir folders and Maildir++ trees (Dovecot, Courier, Postfix) into an account, with flags,",
        "keywords and dates. Messages already in their folder are skipped, so an interrupted import can be run again.",
        "Exit code 2: some input could not be imported (each problem is printed with its file and offset)."})
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "The account that receives the mail.")
    String to;

    @Option(names = "--folder", paramLabel = "NAME",
            description = "Mailbox for an mbox file or a Maildir's root (default INBOX); a tree's subfolders go below it.")
    String folder;

    @Option(names = "--mbox-quoting", paramLabel = "VARIANT", defaultValue = "mboxrd",
            description = "How the mbox writer quoted body lines starting with \"From \": mboxrd (default) or mboxo "
                    + "(Postfix local delivery, procmail). Files with Content-Length (Dovecot, mutt) need neither.")
    String quoting;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "mbox files and Maildir directories.")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        MboxQuoting variant = switch (quoting.toLowerCase(Locale.ROOT)) {
            case "mboxrd" -> MboxQuoting.MBOXRD;
            case "mboxo" -> MboxQuoting.MBOXO;
            default -> throw new IllegalArgumentException("--mbox-quoting is mboxrd or mboxo, not " + quoting);
        };
        if (folder != null && !org.estafeta.store.Mailbox.validName(folder)) {
            throw new IllegalArgumentException("--folder " + folder + " cannot be a mailbox name (an empty level, a control character, * or %)");
        }
        Config config = main.config();
        try (Storage storage = Storage.open(config)) {
            Account account = storage.accounts().account(to)
                    .orElseThrow(() -> new IllegalArgumentException("no such account: " + to));
            var bar = new ProgressBar(ProgressLine.onStandardError());
            var importer = new Importer(MailServer.inbound(config, storage), storage.mailboxes(), storage.messages(), account, bar);
            Importer.Counts c = importer.run(paths, folder, variant);
            bar.finish();
            System.out.printf("imported %d messages into %s, skipped %d already there, %d problems%n", c.imported(), account.address(),
                    c.skipped(), c.problems());
            return c.problems() == 0 ? 0 : 2;
        }
    }

    /** The importer's progress on a {@link ProgressLine}. */
    static final class ProgressBar implements Importer.Progress {
        private final ProgressLine line;

        ProgressBar(ProgressLine line) {
            this.line = line;
        }

        @Override
        public void advanced(long done, long total, Importer.Counts c) {
            line.draw(done, total, String.format("%,d imported, %,d skipped, %,d problems", c.imported(), c.skipped(), c.problems()), false);
        }

        @Override
        public void problem(Problem p) {
            line.problem("estafeta import: " + p);
        }

        void finish() {
            line.finish();
        }
    }
}
