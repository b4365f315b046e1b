package org.estafeta.cli;

import org.estafeta.app.Storage;
import org.estafeta.store.AddressKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "alias", description = "Manage aliases: addresses that deliver to other addresses; @domain is a catch-all.",
        subcommands = {AliasCommand.Add.class, AliasCommand.List.class, AliasCommand.Remove.class})
final class AliasCommand extends StoreCommand.Group {

    @Command(name = "add", description = "Deliver mail for ALIAS to each TARGET.")
    static final class Add extends StoreCommand {
        @Parameters(index = "0", paramLabel = "ALIAS")
        String alias;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET")
        java.util.List<String> targets;

        @Override
        int run(Storage storage) {
            admin(storage).addAlias(alias, targets);
            System.out.println("alias " + AddressKey.of(alias) + " -> " + String.join(", ", targets));
            return 0;
        }
    }

    @Command(name = "list", description = "List the aliases.")
    static final class List extends StoreCommand {
        @Override
        int run(Storage storage) {
            admin(storage).aliases().forEach((a, t) -> System.out.println(a + " -> " + String.join(", ", t)));
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an alias with all its targets.")
    static final class Remove extends StoreCommand {
        @Parameters(paramLabel = "ALIAS")
        String alias;

        @Override
        int run(Storage storage) {
            admin(storage).removeAlias(alias);
            System.out.println("removed alias " + AddressKey.of(alias));
            return 0;
        }
    }
}
