package org.estafeta.sieve;

import java.util.List;

/**
 * The grammar's tree (RFC 5228 §8.2) before any meaning is given to names: what {@link Parser}
 * builds and {@link Compiler} checks. Kept apart so that a syntax error and an unknown command are
 * told apart, as in the protocol parsers.
 */
final class Syntax {

    private Syntax() {
    }

    sealed interface Argument {
        SieveException.Position at();
    }

    /** A string or a string list; {@code list} tells "[...]" from a single string. */
    record Strings(List<String> values, boolean list, SieveException.Position at) implements Argument {
    }

    record Number(long value, SieveException.Position at) implements Argument {
    }

    record Tag(String name, SieveException.Position at) implements Argument {
    }

    record Test(String name, List<Argument> arguments, List<Test> tests, SieveException.Position at) {
    }

    /** {@code block} is null for a command ended by ';'. */
    record Command(String name, List<Argument> arguments, List<Test> tests, List<Command> block, SieveException.Position at) {
    }
}
