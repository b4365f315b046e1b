package org.estafeta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.estafeta.app.ControlSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code estafeta trace}: the live dialogue of the running server's mail sessions, as the web admin's
 * trace page shows it (passwords and AUTH data masked, message bodies shortened), through the control
 * socket. Nothing is written to disk unless the output is redirected to a file.
 */
@Command(name = "trace", description = "Watch the running server's mail sessions live (C:/S: lines, TLS, logins; "
        + "passwords masked, bodies shortened) until Ctrl-C.")
final class TraceCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--protocol", paramLabel = "P",
            description = "Only this listener (smtp, submission, smtps, pop3, pop3s, imap, imaps, managesieve, odmr) or family (smtp, pop3, imap).")
    String protocol;

    @Option(names = "--address", paramLabel = "A", description = "Only sessions logged in as this account, or from this client IP address.")
    String address;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N lines (for scripts; default: until interrupted).")
    long count = -1;

    /** Thrown out of the line sink to stop after --count lines. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    @Override
    public Integer call() throws Exception {
        Path data = main.config().server().dataDir();
        StringBuilder request = new StringBuilder("trace");
        if (protocol != null) request.append(" protocol=").append(word(protocol));
        if (address != null) request.append(" address=").append(word(address));
        long[] printed = {0};
        boolean running;
        try {
            running = ControlSocket.stream(data, request.toString(), line -> {
                if (line.equals("watching")) {
                    System.err.println("watching the sessions of the server on " + data + " (Ctrl-C to stop)");
                    return;
                }
                System.out.println(line);
                if (count >= 0 && ++printed[0] >= count) throw new Enough();
            });
        } catch (Enough e) {
            running = true;
        }
        if (!running) throw new IllegalArgumentException("no server is running on " + data + " (the trace lives in its memory)");
        return 0;
    }

    /** One word of the request line: a space or line break could not mean anything but a mistake. */
    private static String word(String s) {
        String w = s.strip();
        if (w.isEmpty() || w.chars().anyMatch(c -> c <= ' ')) throw new IllegalArgumentException("not a protocol or address: '" + s + "'");
        return w;
    }
}
