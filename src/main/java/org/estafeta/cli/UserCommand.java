package org.estafeta.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.estafeta.app.Storage;
import org.estafeta.store.Account;
import org.estafeta.store.AddressKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "user", description = "Manage mail accounts.",
        subcommands = {UserCommand.Add.class, UserCommand.List.class, UserCommand.Passwd.class, UserCommand.Remove.class,
                UserCommand.Disable.class, UserCommand.Enable.class})
final class UserCommand extends StoreCommand.Group {

    /** Reads a new password from standard input (first line) or, interactively, twice from the console. */
    static String readPassword(boolean fromStdin) throws IOException {
        String password;
        Console console = System.console();
        if (fromStdin || console == null) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            password = in.readLine();
            if (password == null) throw new IllegalArgumentException("no password on standard input");
        } else {
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new IllegalArgumentException("the passwords do not match");
            }
            password = new String(first);
        }
        if (password.isEmpty()) throw new IllegalArgumentException("the password must not be empty");
        return password;
    }

    @Command(name = "add", description = "Create an account with INBOX, Sent, Drafts, Trash, Junk and Archive.")
    static final class Add extends StoreCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean passwordStdin;

        @Option(names = "--admin", description = "May use the web admin.")
        boolean admin;

        @Override
        int run(Storage storage) throws IOException {
            requireAddress(address);
            Account account = admin(storage).addUser(address, readPassword(passwordStdin), admin);
            System.out.println("added user " + account.address() + (admin ? " (admin)" : ""));
            return 0;
        }
    }

    @Command(name = "list", description = "List the accounts.")
    static final class List extends StoreCommand {
        @Override
        int run(Storage storage) {
            for (var a : admin(storage).users()) {
                System.out.println(a.address() + (a.admin() ? "  admin" : "") + (a.disabled() ? "  disabled" : ""));
            }
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set a new password.")
    static final class Passwd extends StoreCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--password-stdin", description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        int run(Storage storage) throws IOException {
            if (storage.accounts().account(address).isEmpty()) throw new IllegalArgumentException("no such account: " + address);
            admin(storage).setPassword(address, readPassword(passwordStdin));
            System.out.println("password changed for " + AddressKey.of(address));
            return 0;
        }
    }

    @Command(name = "disable", description = "Refuse the account's logins and mail (its mail is kept) and end its sessions.")
    static final class Disable extends StoreCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Storage storage) {
            if (storage.accounts().account(address).isEmpty()) throw new IllegalArgumentException("no such account: " + address);
            admin(storage).setDisabled(address, true);
            System.out.println("disabled user " + address.toLowerCase(java.util.Locale.ROOT));
            return 0;
        }
    }

    @Command(name = "enable", description = "Let a disabled account log in and receive mail again.")
    static final class Enable extends StoreCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Storage storage) {
            if (storage.accounts().account(address).isEmpty()) throw new IllegalArgumentException("no such account: " + address);
            admin(storage).setDisabled(address, false);
            System.out.println("enabled user " + address.toLowerCase(java.util.Locale.ROOT));
            return 0;
        }
    }

    @Command(name = "remove", description = "Delete an account with all its mail.")
    static final class Remove extends StoreCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Storage storage) {
            admin(storage).removeUser(address);
            System.out.println("removed user " + AddressKey.of(address));
            return 0;
        }
    }

    static void requireAddress(String address) {
        org.estafeta.admin.Admin.requireAddress(address);
    }
}
