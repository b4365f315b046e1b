package org.estafeta.sieve;

import java.util.List;

/**
 * The result of running a script on a message: the actions to carry out (the implicit keep, when it
 * applies, is among them as a {@link Action.Keep}), and why the script failed, if it did (then the
 * only action is the implicit keep, RFC 5228 §2.10.6), or why a vacation reply was held back.
 */
public record Outcome(List<Action> actions, String error, List<String> notes) {

    public Outcome {
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
    }

    static Outcome failed(String error, List<String> notes) {
        return new Outcome(List.of(new Action.Keep(List.of())), error, notes);
    }

    public boolean failed() {
        return error != null;
    }
}
