package org.estafeta.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.estafeta.config.Config;
import org.estafeta.config.ConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code estafeta}: the server and its administration, one program (see DESIGN.md's command-line contract). */
// scope INHERIT: every subcommand answers --help and --version too (a newcomer types "serve --help").
@Command(name = "estafeta", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "Estafeta 0.1",
        description = "A mail server in one program: SMTP (MX and submission), the outbound relay queue, POP3, IMAP, "
                + "webmail and web admin; and the tools to manage its domains, users, aliases, queue and configuration.",
        subcommands = {ServeCommand.class, DomainCommand.class, UserCommand.class, AliasCommand.class, QueueCommand.class,
                ConfigCommand.class, DkimCommand.class, DnsCommand.class, ImportCommand.class, ExportCommand.class, AuthCommand.class,
                ReloadCommand.class, BackupCommand.class, RestoreCommand.class, TraceCommand.class, CertCommand.class, MigrateCommand.class})
public final class Main {

    @Option(names = "--data", paramLabel = "DIR", scope = ScopeType.INHERIT, defaultValue = "data",
            description = "Data directory (default: ./data).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Configuration file (default: DIR/estafeta.toml when present).")
    Path configFile;

    /** Every {@code --set}, before and after the subcommand's name; a later one for the same key wins. */
    final Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * Picocli starts a new map for an inherited map option where the subcommand's own options begin, so
     * a field would lose {@code estafeta --set a=1 serve --set b=2}'s first part; the setter collects both.
     */
    @Option(names = "--set", paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT,
            description = "Override one configuration key; repeatable.")
    void set(Map<String, String> values) {
        if (values != null) overrides.putAll(values);
    }

    @Option(names = "--strict", scope = ScopeType.INHERIT,
            description = "Refuse unknown and renamed configuration keys instead of warning about them.")
    boolean strict;

    /** The effective configuration; {@code portOffset} shifts the standard ports. */
    Config config(int portOffset) {
        return ConfigLoader.load(dataDir, configFile, overrides, portOffset,
                strict ? ConfigLoader.Strictness.STRICT : ConfigLoader.Strictness.LENIENT);
    }

    /** As {@link #config(int)}, with every key's value, so that a reload can tell what changed. */
    ConfigLoader.Effective effective(int portOffset) {
        return ConfigLoader.loadEffective(dataDir, configFile, overrides, portOffset,
                strict ? ConfigLoader.Strictness.STRICT : ConfigLoader.Strictness.LENIENT);
    }

    Config config() {
        return config(ConfigLoader.DEFAULT_PORT_OFFSET);
    }

    /** The command line with its error handling: user mistakes are one line on stderr and exit code 1. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof org.estafeta.store.Conflict || e instanceof java.net.BindException
                    || e instanceof org.estafeta.app.DataDirLock.InUse) {
                // Messages may quote a configured value, which may hold a line break: still one line.
                cmd.getErr().println("estafeta: " + e.getMessage().replaceAll("\\p{Cntrl}", "?"));
                return 1;
            }
            throw e;
        });
        return cli;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !isServe(args)) System.exit(code);
    }

    private static boolean isServe(String[] args) {
        for (String a : args) if (a.equals("serve")) return true;
        return false;
    }
}
