package org.estafeta.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.estafeta.app.MailServer;
import org.estafeta.config.Config;
import org.estafeta.config.ConfigLoader;
import org.estafeta.net.Listener;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", description = "Run the mail server until stopped (Ctrl-C or SIGTERM).")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Listen on this address only (default: all).")
    String bind;

    static final class Ports {
        @Option(names = "--port-offset", paramLabel = "N", description = "Listen on the standard ports + N (default 3000).")
        Integer offset;

        @Option(names = "--standard-ports", description = "Listen on 25, 465, … (needs privileges).")
        boolean standard;
    }

    @ArgGroup(exclusive = true)
    Ports ports;

    @Override
    public Integer call() throws Exception {
        int offset = ports == null ? ConfigLoader.DEFAULT_PORT_OFFSET : ports.standard ? 0 : ports.offset;
        if (bind != null) main.overrides.put("server.bind", bind);
        ConfigLoader.Effective started = main.effective(offset);
        Config config = started.config();
        MailServer server = MailServer.start(started, () -> main.effective(offset));
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            // SIGTERM and Ctrl-C: a graceful stop (running DATA transfers finish, server.shutdown_timeout).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.shutdown();
                stopped.countDown();
            }, "shutdown"));
        } catch (IllegalStateException shutdownInProgress) {
            // Ctrl-C or SIGTERM arrived while the listeners were starting.
            server.close();
            return 0;
        }
        reloadOnHangup(server);
        PrintStream out = System.out;
        out.println("Estafeta is running as " + config.server().hostname() + ", data in " + config.server().dataDir().toAbsolutePath());
        for (Listener l : server.listeners()) out.printf("  %-6s port %d%n", l.protocolName(), l.port());
        if (server.web() != null) {
            if (server.web().port() > 0) out.printf("  webmail http://localhost:%d/  (admin at /admin)%n", server.web().port());
            if (server.web().tlsPort() > 0) out.printf("  webmail https://localhost:%d/%n", server.web().tlsPort());
        }
        out.println("Domains: " + String.join(", ", server.storage().accounts().domains()));
        if (server.storage().accounts().accounts().isEmpty()) {
            String data = config.server().dataDir().toString().equals("data") ? "" : "--data " + config.server().dataDir() + " ";
            out.println("No users yet. Add one with:  ./estafeta " + data + "user add you@localhost");
        }
        if (!server.admin().hasAdmin()) {
            String data = config.server().dataDir().toString().equals("data") ? "" : "--data " + config.server().dataDir() + " ";
            out.println("No administrator yet. Make one for the web admin with:  ./estafeta " + data + "user add admin@"
                    + server.storage().accounts().domains().stream().findFirst().orElse("localhost") + " --admin");
        }
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * SIGHUP reads the configuration again, as daemons do (systemd's ExecReload sends it). The JDK has no
     * public API for signals; sun.misc.Signal (jdk.unsupported) is the one in use everywhere. Where the
     * platform has no SIGHUP, {@code estafeta reload} still works.
     */
    @SuppressWarnings("restriction")
    private static void reloadOnHangup(MailServer server) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofVirtual().name("reload").start(server::reload));
        } catch (IllegalArgumentException noSuchSignal) {
            org.slf4j.LoggerFactory.getLogger(ServeCommand.class).info("no SIGHUP here: reload with 'estafeta reload'");
        }
    }
}
