package org.estafeta.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Everything logged during each test, from every logger ({@code @RegisterExtension final LogCapture
 * log = new LogCapture();}): attached to the root logger before the test's own set-up, detached after
 * its clean-up.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        appender.list.clear();
        appender.start();
        root().addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        root().detachAppender(appender);
        appender.stop();
    }

    /** What was logged so far, read while server threads may still be logging. */
    public List<ILoggingEvent> events() {
        return Logged.events(appender);
    }

    /** Forgets what matches, so that a later look sees only what came after. */
    public void forget(Predicate<ILoggingEvent> which) {
        synchronized (appender) { // AppenderBase appends under the appender's own lock
            appender.list.removeIf(which);
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
