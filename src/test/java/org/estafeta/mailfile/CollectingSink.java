package org.estafeta.mailfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@link Mbox#read} reports of a file, kept in order for a test to look at. */
final class CollectingSink implements Mbox.Sink {
    final List<Found> found = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();

    static CollectingSink read(Path file, MboxQuoting quoting) throws IOException {
        CollectingSink sink = new CollectingSink();
        Mbox.read(file, "", quoting, sink);
        return sink;
    }

    @Override
    public void found(Found message) {
        found.add(message);
    }

    @Override
    public void problem(Problem problem) {
        problems.add(problem);
    }
}
