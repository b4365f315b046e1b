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

    /** The administration service over this store (shared with the web admin and the REST API). */
    org.estafeta.admin.Admin admin(Storage storage) {
        return new org.estafeta.admin.Admin(storage.accounts(), storage.mailboxes(), storage.queue(),
                new org.estafeta.auth.PasswordHasher(), () -> { }, group.main.config().auth().minPasswordLength(),
                address -> { });
    }

    abstract static class Group {
        @ParentCommand
        Main main;
    }
}
