package org.estafeta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.estafeta.app.Storage;
import org.estafeta.config.Config;
import org.estafeta.mailfile.Exporter;
import org.estafeta.store.Account;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code estafeta export}: an account's mail as a Maildir++ tree (for Dovecot, Courier, or a later {@code import}). */
@Command(name = "export", description = "Write an account's mailboxes as a Maildir++ tree into DIR (new or empty), with flags and keywords.")
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Parameters(index = "1", paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Config config = main.config();
        try (Storage storage = Storage.open(config)) {
            Account account = storage.accounts().account(address)
                    .orElseThrow(() -> new IllegalArgumentException("no such account: " + address));
            var result = new Exporter(storage.mailboxes(), storage.messages(), storage.blobs(), config.server().hostname()).run(account, dir);
            if (!result.droppedKeywords().isEmpty()) {
                System.err.println("estafeta export: more than 26 keywords in a folder, not written: " + String.join(" ", result.droppedKeywords()));
            }
            System.out.printf("exported %d messages in %d mailboxes of %s to %s%n", result.messages(), result.mailboxes(), account.address(), dir);
            return 0;
        }
    }
}
