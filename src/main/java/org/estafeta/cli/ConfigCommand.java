package org.estafeta.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.estafeta.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "config", description = "Show or check the configuration.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Check.class})
final class ConfigCommand {

    @ParentCommand
    Main main;

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the effective configuration as TOML (defaults, file and --set applied).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Override
        public Integer call() {
            System.out.print(ConfigLoader.show(parent.main.config()));
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Report everything in a configuration file that is wrong (the server would not start: exit 1),",
                    "unknown or renamed (the server starts and warns: exit 0, or 1 with --strict)."})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Parameters(paramLabel = "FILE", description = "The TOML file (default: DIR/estafeta.toml).", arity = "0..1")
        Path file;

        @Override
        public Integer call() {
            Path toml = file != null ? file : parent.main.dataDir.resolve("estafeta.toml");
            if (!Files.isRegularFile(toml)) throw new IllegalArgumentException("no such file: " + toml);
            List<String> findings = ConfigLoader.check(parent.main.dataDir, toml);
            findings.forEach(System.out::println);
            if (findings.isEmpty()) System.out.println(toml + ": ok");
            boolean refused = findings.stream().anyMatch(f -> f.startsWith("error:") || parent.main.strict);
            return refused ? 1 : 0;
        }
    }
}
