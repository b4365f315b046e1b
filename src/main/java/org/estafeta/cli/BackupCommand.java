package org.estafeta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.estafeta.app.Backup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code estafeta backup DEST}: a consistent copy of the data directory, also while the server runs. */
@Command(name = "backup", description = "Copy the data directory (database, message bodies, keys) to DEST while the server runs; DEST must be new or empty.")
final class BackupCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "DEST", description = "A new or empty directory for the copy.")
    Path dest;

    @Override
    public Integer call() throws Exception {
        Path data = main.config().server().dataDir();
        long started = System.nanoTime();
        Backup.Report r = Backup.backup(data, dest);
        System.out.printf("backed up %s to %s: database, %d message bodies (%d octets), %d other files, checked, in %d ms%n", data, dest,
                r.messagesBlobs(), r.blobBytes(), r.otherFiles(), (System.nanoTime() - started) / 1_000_000);
        return 0;
    }
}
