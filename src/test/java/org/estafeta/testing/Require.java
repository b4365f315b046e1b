package org.estafeta.testing;

/**
 * A check for the inner loops of fuzz targets (per character, per tag): an AssertJ assertion there
 * builds an assert object and its description for every character, which is most of a fuzz run's
 * time; this costs a comparison until it fails, then says the same as the assertion would.
 */
public final class Require {

    private Require() {
    }

    /** Throws an {@link AssertionError} with the formatted description unless {@code ok}. */
    public static void that(boolean ok, String description, Object... args) {
        if (!ok) throw new AssertionError(args.length == 0 ? description : String.format(description, args));
    }
}
