package org.estafeta.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the log off for a fuzz test, whose millions of inputs would otherwise be all it does, and
 * gives the level back afterwards: later tests in the same JVM read the log (BareLfDotLogTest).
 */
public final class QuietLogs {

    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private QuietLogs() {
    }

    /** Turns the root log off and returns the level to give back with {@link #restore}. */
    public static Level off() {
        Level before = ROOT.getLevel();
        ROOT.setLevel(Level.OFF);
        return before;
    }

    public static void restore(Level level) {
        ROOT.setLevel(level);
    }
}
