package org.estafeta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.estafeta.app.Backup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code estafeta [--data DIR] restore SRC}: a backup back into an empty data directory. */
@Command(name = "restore", description = "Copy a backup made by 'estafeta backup' into the data directory, which must be new or empty.")
final class RestoreCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "SRC", description = "A directory written by 'estafeta backup'.")
    Path source;

    @Override
    public Integer call() throws Exception {
        // Not main.config(): reading the configuration may create nothing, but the data directory is only named here.
        Path data = main.dataDir;
        Backup.Report r = Backup.restore(source, data);
        System.out.printf("restored %s into %s: database, %d message bodies (%d octets), %d other files; start the server with --data %s%n",
                source, data, r.messagesBlobs(), r.blobBytes(), r.otherFiles(), data);
        return 0;
    }
}
