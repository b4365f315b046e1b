package org.estafeta.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.estafeta.app.ControlSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code estafeta reload}: what SIGHUP does, for those who would rather not look up the server's pid
 * (systemd's ExecReload uses the signal). The server reads its configuration file again and answers
 * one line per change, applied or waiting for a restart.
 */
@Command(name = "reload", description = "Make the running server read its configuration again (as SIGHUP); open sessions stay.")
final class ReloadCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        // Not main.config(): a file with a mistake is for the server to report, which keeps running as it was.
        Path data = main.dataDir;
        List<String> answer = ControlSocket.request(data, "reload");
        if (answer == null) throw new IllegalArgumentException("no server is running on " + data);
        for (String line : answer) System.out.println(line);
        return answer.stream().anyMatch(l -> l.startsWith("error: ")) ? 1 : 0;
    }
}
