package org.estafeta.sieve;

/**
 * A script that cannot run: a syntax error, an unknown command or extension, a wrong argument, or a
 * limit passed. Carries the line and column (1-based) where the problem was found, so ManageSieve,
 * the webmail editor and the logs can point at it.
 */
public final class SieveException extends Exception {

    private final int line;
    private final int column;

    public SieveException(int line, int column, String message) {
        super(message);
        this.line = line;
        this.column = column;
    }

    public SieveException(Position at, String message) {
        this(at.line(), at.column(), message);
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** "line 3, column 7: unknown command 'fileinot'" — safe to show to the script's owner. */
    public String describe() {
        return "line " + line + ", column " + column + ": " + getMessage();
    }

    /** Where a token starts in the script. */
    public record Position(int line, int column) {
    }
}
