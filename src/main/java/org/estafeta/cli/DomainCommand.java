package org.estafeta.cli;

import org.estafeta.app.Storage;
import org.estafeta.store.AddressKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "domain", description = "Manage the domains this server receives mail for.",
        subcommands = {DomainCommand.Add.class, DomainCommand.List.class, DomainCommand.Remove.class})
final class DomainCommand extends StoreCommand.Group {

    @Command(name = "add", description = "Receive mail for a domain.")
    static final class Add extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Storage storage) {
            admin(storage).addDomain(name);
            System.out.println("added domain " + AddressKey.domain(name));
            return 0;
        }
    }

    @Command(name = "list", description = "List the domains.")
    static final class List extends StoreCommand {
        @Override
        int run(Storage storage) {
            admin(storage).domains().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "remove", description = "Stop receiving mail for a domain (it must have no users or aliases).")
    static final class Remove extends StoreCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Storage storage) {
            admin(storage).removeDomain(name);
            System.out.println("removed domain " + AddressKey.domain(name));
            return 0;
        }
    }
}
