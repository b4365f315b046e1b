package org.estafeta.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.LoggerFactory;

/**
 * The last session log lines (SMTP, POP3, IMAP, web, auth) in memory, for the admin's status page.
 * They are the lines already written to the log, which never hold secrets.
 */
final class RecentLog extends AppenderBase<ILoggingEvent> {

    private static final List<String> SOURCES = List.of("org.estafeta.smtp", "org.estafeta.pop3", "org.estafeta.imap",
            "org.estafeta.web", "org.estafeta.auth", "org.estafeta.queue");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Line> lines = new ArrayDeque<>();

    private record Line(long millis, Level level, String loggerName, String message) {
        String text() {
            String logger = loggerName.substring(loggerName.lastIndexOf('.') + 1);
            String line = TIME.format(Instant.ofEpochMilli(millis)) + " " + level + " " + logger + " " + message;
            return line.length() > 400 ? line.substring(0, 400) + "…" : line;
        }
    }

    RecentLog(int capacity) {
        this.capacity = capacity;
        setName("recent-sessions");
    }

    /** Starts collecting, if the logging backend is Logback (it is, unless a test swapped it). */
    void attach() {
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) return;
        setContext(context);
        start();
        for (String source : SOURCES) context.getLogger(source).addAppender(this);
    }

    void detach() {
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) return;
        for (String source : SOURCES) context.getLogger(source).detachAppender(this);
        stop();
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (!e.getLevel().isGreaterOrEqual(Level.INFO)) return;
        // Formatted when the page asks: under load this runs for every message, the page rarely.
        Line line = new Line(e.getTimeStamp(), e.getLevel(), e.getLoggerName(), e.getFormattedMessage());
        lock.lock();
        try {
            lines.addLast(line);
            while (lines.size() > capacity) lines.removeFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Newest first. */
    List<String> lines() {
        lock.lock();
        try {
            List<String> out = new ArrayList<>(lines.size());
            lines.descendingIterator().forEachRemaining(line -> out.add(line.text()));
            return out;
        } finally {
            lock.unlock();
        }
    }

}
