package org.estafeta.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.estafeta.app.ControlSocket;
import org.estafeta.app.Storage;
import org.estafeta.auth.AuthSettings;
import org.estafeta.auth.Authenticator;
import org.estafeta.auth.PasswordHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The failed-login throttle's blocks. On one SQLite node they live in the running server's memory (a
 * failed login must not cost that database a write), so these commands ask that server through its
 * control socket in the data directory (see {@link ControlSocket}). On PostgreSQL they are in the
 * database the nodes share: without a server here, the command reads and lifts them there itself.
 */
@Command(name = "auth", description = "See and lift the failed-login throttle's blocks of the running server.",
        subcommands = {AuthCommand.Blocks.class, AuthCommand.Unblock.class})
final class AuthCommand {

    @ParentCommand
    Main main;

    /** The server's answer; a missing server is a user mistake, said in one line. */
    List<String> ask(String request) throws java.io.IOException {
        Path data = main.config().server().dataDir();
        List<String> answer = ControlSocket.request(data, request);
        if (answer == null && main.config().store().postgresql()) answer = fromDatabase(request);
        if (answer == null) throw new IllegalArgumentException("no server is running on " + data + " (blocks live in its memory)");
        for (String line : answer) if (line.startsWith("error: ")) throw new IllegalArgumentException(line.substring(7));
        return answer;
    }

    private List<String> fromDatabase(String request) {
        var config = main.config();
        try (Storage storage = Storage.open(config)) {
            var authenticator = new Authenticator(storage.accounts(), new PasswordHasher(), AuthSettings.from(config), storage.loginFailures());
            int space = request.indexOf(' ');
            return ControlSocket.throttle(authenticator, space < 0 ? request : request.substring(0, space),
                    space < 0 ? "" : request.substring(space + 1));
        }
    }

    @Command(name = "blocks", description = "List what the throttle refuses now: an address, an account from an address (login), or an account.")
    static final class Blocks implements Callable<Integer> {
        @ParentCommand
        AuthCommand auth;

        @Override
        public Integer call() throws Exception {
            List<String> blocks = auth.ask("blocks");
            if (blocks.isEmpty()) {
                System.out.println("no blocks");
                return 0;
            }
            System.out.printf("%-8s %-45s %8s  %s%n", "KIND", "SUBJECT", "FAILURES", "UNTIL");
            for (String b : blocks) {
                String[] f = b.split("\t", 4);
                System.out.printf("%-8s %-45s %8s  %s%n", f[0], f[1], f[2], f[3]);
            }
            return 0;
        }
    }

    @Command(name = "unblock", description = "Lift the blocks and counts of an IP address or an account (a class behind one NAT, a typo-prone user).")
    static final class Unblock implements Callable<Integer> {
        @ParentCommand
        AuthCommand auth;

        @Parameters(paramLabel = "ADDRESS-OR-ACCOUNT")
        String subject;

        @Override
        public Integer call() throws Exception {
            System.out.println(auth.ask("unblock " + subject.strip()).getFirst().replace("lifted", "blocks and counts lifted:"));
            return 0;
        }
    }
}
