package org.estafeta.sieve;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/** The date parts of RFC 5260 §4.2, for currentdate: what the out-of-office page's date range uses. */
final class DateParts {

    static final List<String> NAMES = List.of("year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601",
            "std11", "zone", "weekday");

    private DateParts() {
    }

    /** "+hhmm" / "-hhmm" (RFC 5260 §4.1), or null when malformed. */
    static ZoneOffset zone(String s) {
        if (!s.matches("[+-]\\d{4}")) return null;
        try {
            return ZoneOffset.ofHoursMinutes(Integer.parseInt(s.substring(0, 3)), Integer.parseInt(s.charAt(0) + s.substring(3)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String part(ZonedDateTime t, String part) {
        return switch (part) {
            case "year" -> String.format("%04d", t.getYear());
            case "month" -> String.format("%02d", t.getMonthValue());
            case "day" -> String.format("%02d", t.getDayOfMonth());
            case "date" -> String.format("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
            // RFC 5260 §4.2: Modified Julian Day.
            case "julian" -> String.valueOf(t.toLocalDate().toEpochDay() + 40587);
            case "hour" -> String.format("%02d", t.getHour());
            case "minute" -> String.format("%02d", t.getMinute());
            case "second" -> String.format("%02d", t.getSecond());
            case "time" -> String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
            case "iso8601" -> t.withNano(0).toOffsetDateTime().toString();
            case "std11" -> java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(java.util.Locale.ROOT).format(t);
            case "zone" -> t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", "");
            case "weekday" -> String.valueOf(t.getDayOfWeek().getValue() % 7);
            default -> throw new IllegalArgumentException(part);
        };
    }
}
