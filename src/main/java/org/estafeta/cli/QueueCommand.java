package org.estafeta.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.estafeta.admin.Admin;
import java.util.stream.Collectors;
import org.estafeta.app.Storage;
import org.estafeta.store.Queue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "queue", description = "Look at and act on the outbound queue (the server picks changes up at its next run).",
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Retry.class,
                QueueCommand.Delete.class, QueueCommand.Bounce.class})
final class QueueCommand extends StoreCommand.Group {

    @Command(name = "list", description = "A header line, then one line per queued message: id, age, size, next retry (local time, "
            + "to the second), sender, waiting recipients.")
    static final class ListQueue extends StoreCommand {
        private static final String FORMAT = "%-14s  %5s  %9s  %-19s  %s  %s%n";

        @Override
        int run(Storage storage) {
            List<Admin.QueuedMessage> messages = admin(storage).queue();
            if (messages.isEmpty()) {
                System.out.println("The queue is empty.");
                return 0;
            }
            System.out.printf(FORMAT, "ID", "AGE", "SIZE", "NEXT RETRY", "SENDER", "RECIPIENTS");
            for (Admin.QueuedMessage m : messages) {
                Instant next = m.recipients().stream().map(Admin.QueuedRecipient::nextAttempt).filter(java.util.Objects::nonNull)
                        .min(Instant::compareTo).orElse(null);
                System.out.printf(FORMAT, m.id(), age(m.created()), m.size(), next == null ? "-" : when(next), "<" + m.sender() + ">",
                        m.recipients().stream().map(Admin.QueuedRecipient::address).collect(Collectors.joining(" ")));
            }
            return 0;
        }
    }

    /** Local time to the second, as people compare it with a clock: {@code 2026-11-30 21:04:05}. */
    static String when(Instant t) {
        return TO_THE_SECOND.format(t.atZone(java.time.ZoneId.systemDefault()));
    }

    private static final java.time.format.DateTimeFormatter TO_THE_SECOND = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Command(name = "show", description = "Every recipient of one message with its state and last error.")
    static final class Show extends StoreCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Storage storage) {
            List<Queue.Entry> entries = storage.queue().show(id);
            if (entries.isEmpty()) throw new IllegalArgumentException("no queued message " + id);
            Queue.Entry first = entries.getFirst();
            System.out.println("id:      " + first.queueId());
            System.out.println("from:    <" + first.sender() + ">");
            System.out.println("size:    " + first.size());
            System.out.println("arrived: " + when(first.created()) + " (" + age(first.created()) + " ago)");
            for (Queue.Entry e : entries) {
                System.out.printf("  <%s> %s, %d attempts, next %s%s%n", e.recipient().address(), e.status(), e.attempts(),
                        e.nextAttempt() == null ? "-" : when(e.nextAttempt()), e.lastError() == null ? "" : ", last: " + e.lastError());
            }
            return 0;
        }
    }

    @Command(name = "retry", description = "Try a message (or --all) again now.")
    static final class Retry extends StoreCommand {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "A queue id.")
        String id;

        @picocli.CommandLine.Option(names = "--all", description = "Every queued message.")
        boolean all;

        @Override
        int run(Storage storage) {
            if (all == (id != null)) throw new IllegalArgumentException("give a queue id or --all");
            int n = admin(storage).retry(all ? null : id);
            System.out.println(n + " recipient(s) due now");
            return 0;
        }
    }

    @Command(name = "delete", description = "Drop a message from the queue, telling nobody.")
    static final class Delete extends StoreCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Storage storage) {
            if (!admin(storage).deleteQueued(id)) throw new IllegalArgumentException("no queued message " + id);
            System.out.println("deleted " + id);
            return 0;
        }
    }

    @Command(name = "bounce", description = "Give up on a message: its sender gets a bounce.")
    static final class Bounce extends StoreCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Storage storage) {
            int n = admin(storage).bounce(id);
            if (n == 0) throw new IllegalArgumentException("no queued message " + id);
            System.out.println(n + " recipient(s) will bounce");
            return 0;
        }
    }

    static String age(Instant since) {
        Duration d = Duration.between(since, Instant.now());
        if (d.toDays() > 0) return d.toDays() + "d";
        if (d.toHours() > 0) return d.toHours() + "h";
        if (d.toMinutes() > 0) return d.toMinutes() + "m";
        return d.toSeconds() + "s";
    }
}
