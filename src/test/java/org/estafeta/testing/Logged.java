package org.estafeta.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;

/** What a {@link ListAppender} has caught so far, read while server threads may still be logging. */
public final class Logged {

    private Logged() {
    }

    public static List<ILoggingEvent> events(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) { // AppenderBase appends under the appender's own lock
            return new ArrayList<>(appender.list);
        }
    }
}
