package org.estafeta.cli;

import java.util.concurrent.Callable;
import org.estafeta.app.Storage;
import picocli.CommandLine.ParentCommand;

/** A subcommand that works on the store directly; safe while the server runs (SQLite locks). */
abstract class StoreCommand implements Callable<Integer> {

    /** The group command ({@code domain}, {@code user}, …), whose parent is {@link Main}. */
    @ParentCommand
    Group group;

    @Override
    public final Integer call() throws Exception {
        try (Storage storage = Storage.open(group.main.config())) {
            return run(storage);
        }
    }

    abstract int run(Storage storage) throws Exception;

    abstract static class Group {
        @ParentCommand
        Main main;
    }
}
