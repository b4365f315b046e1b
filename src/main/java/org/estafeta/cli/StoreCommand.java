package org.estafeta.cli;

import java.util.concurrent.Callable;
import java.util.List;
import org.estafeta.app.ControlSocket;
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
                this::endSessions);
    }

    /**
     * Tells a running server to end the sessions of an account just disabled, removed or re-passworded;
     * without one there is nothing to end (and a server that cannot be told finds it within seconds).
     */
    private void endSessions(String address) {
        try {
            List<String> answer = ControlSocket.request(group.main.config().server().dataDir(), "end-sessions " + address);
            if (answer != null && !answer.isEmpty() && !answer.getFirst().equals("ended 0")) {
                System.out.println(answer.getFirst().replace("ended", "sessions ended:"));
            }
        } catch (java.io.IOException e) {
            System.err.println("estafeta: could not tell the running server (" + e.getMessage() + "); it ends the sessions within seconds");
        }
    }

    abstract static class Group {
        @ParentCommand
        Main main;
    }
}
