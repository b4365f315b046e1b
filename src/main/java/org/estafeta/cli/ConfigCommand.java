package org.estafeta.cli;

import java.util.concurrent.Callable;
import org.estafeta.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "config", description = "Show the configuration.", subcommands = ConfigCommand.Show.class)
final class ConfigCommand {

    @ParentCommand
    Main main;

    @Command(name = "show", description = "Print the effective configuration as TOML (defaults, file and --set applied).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Override
        public Integer call() {
            System.out.print(ConfigLoader.show(parent.main.config()));
            return 0;
        }
    }
}
