package org.estafeta.mime;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** RFC 5322 §3.3 date-time: the one parser and formatter for Date fields and trace headers. */
public final class MailDates {

    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private MailDates() {
    }

    public static String format(ZonedDateTime when) {
        return RFC5322.format(when);
    }

    /** The date as written, comments and folding removed; null when absent or not a date. */
    public static ZonedDateTime parse(String date) {
        if (date == null || date.isBlank()) return null;
        try {
            String cleaned = date.replaceAll("\\([^)]*\\)", "").strip().replaceAll("\\s+", " ");
            return ZonedDateTime.parse(cleaned, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
