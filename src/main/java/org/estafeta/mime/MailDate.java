package org.estafeta.mime;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Date header as this server writes it, and as real mail writes it (RFC 5322 §3.3 and its
 * obsolete forms, §4.3): optional day name, one- or two-digit day, month name in any case, two- or
 * four-digit year, seconds optional, numeric zone or an old zone name, comments anywhere. The one
 * parser of Date fields: SEARCH SENT*, SORT DATE and THREAD, the summary stored at arrival, the webmail.
 */
public final class MailDate {

    private static final Pattern DATE = Pattern.compile(
            "(?:[a-z]+\\s*,)?\\s*(\\d{1,2})\\s*-?\\s*([a-z]{3})[a-z]*\\s*-?\\s*(\\d{2,4})\\s+(\\d{1,2})\\s*:\\s*(\\d{2})"
                    + "(?:\\s*:\\s*(\\d{2}))?\\s*([+-]\\d{4}|[a-z]{1,5})?", Pattern.CASE_INSENSITIVE);
    private static final Pattern COMMENT = Pattern.compile("\\([^()]*\\)");
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
            "nov", "dec");
    /** RFC 5322 §4.3 obsolete zone names; any other name is taken as UTC ("-0000", unknown). */
    private static final Map<String, Integer> ZONES = Map.of("EDT", -4, "EST", -5, "CDT", -5, "CST", -6, "MDT", -6,
            "MST", -7, "PDT", -7, "PST", -8);

    private static final java.time.format.DateTimeFormatter RFC5322 =
            java.time.format.DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private MailDate() {
    }

    /** The RFC 5322 §3.3 form this server writes in Date fields and trace headers. */
    public static String format(ZonedDateTime when) {
        return RFC5322.format(when);
    }

    /** The date and time with the sender's zone, or null when the value is not a date. */
    public static ZonedDateTime parse(String value) {
        if (value == null) return null;
        Matcher m = DATE.matcher(value.indexOf('(') < 0 ? value : COMMENT.matcher(value).replaceAll(" "));
        if (!m.find()) return null;
        int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        if (month == 0) return null;
        int year = Integer.parseInt(m.group(3));
        // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
        if (m.group(3).length() == 2) year += year < 50 ? 2000 : 1900;
        else if (m.group(3).length() == 3) year += 1900;
        try {
            LocalDateTime local = LocalDateTime.of(year, month, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)), m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
            return local.atZone(zone(m.group(7)));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static ZoneOffset zone(String z) {
        if (z == null) return ZoneOffset.UTC;
        if (z.startsWith("+") || z.startsWith("-")) {
            int hhmm = Integer.parseInt(z.substring(1));
            int minutes = hhmm / 100 * 60 + hhmm % 100;
            if (hhmm % 100 >= 60 || minutes > 18 * 60) return ZoneOffset.UTC;
            return ZoneOffset.ofTotalSeconds((z.charAt(0) == '-' ? -1 : 1) * minutes * 60);
        }
        return ZoneOffset.ofHours(ZONES.getOrDefault(z.toUpperCase(Locale.ROOT), 0));
    }
}
