package org.estafeta.web;

import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The words of the web pages in one language, and numbers, sizes, dates and durations written as
 * that language writes them. Every visible string of the webmail and the admin comes from the bundles
 * {@code web/i18n/texts_en.properties} and {@code texts_es.properties} (UTF-8). There is no base
 * bundle and no fallback to the JVM's locale, so a key missing in one language shows as
 * {@code ⟦key⟧} instead of silently borrowing the other language's text (I18nTest looks for it).
 */
public final class Texts {

    /** The languages offered, the first being the default when the browser asks for none of them. */
    static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.of("es"));
    static final String MISSING = "⟦";

    private static final String BUNDLE = "web.i18n.texts";
    private static final ResourceBundle.Control NO_FALLBACK = ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private final Locale locale;
    private final ResourceBundle bundle;
    private final DateTimeFormatter shortDateTime, longDateTime;

    private Texts(Locale locale) {
        this.locale = locale;
        this.bundle = ResourceBundle.getBundle(BUNDLE, locale, Texts.class.getClassLoader(), NO_FALLBACK);
        this.shortDateTime = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT).withLocale(locale);
        this.longDateTime = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale);
    }

    private static final Texts ENGLISH = new Texts(SUPPORTED.get(0));
    private static final Texts SPANISH = new Texts(SUPPORTED.get(1));

    static Texts of(Locale locale) {
        return locale.getLanguage().equals("es") ? SPANISH : ENGLISH;
    }

    /**
     * The user's choice (the language cookie) if it names a language we have, else the best match
     * for the browser's {@code Accept-Language} (RFC 9110 §12.5.4), else English.
     */
    static Texts choose(String chosen, String acceptLanguage) {
        if (chosen != null) {
            for (Locale l : SUPPORTED) if (l.getLanguage().equals(chosen)) return of(l);
        }
        if (acceptLanguage != null && !acceptLanguage.isBlank()) {
            try {
                Locale best = Locale.lookup(Locale.LanguageRange.parse(acceptLanguage), SUPPORTED);
                if (best != null) return of(best);
            } catch (IllegalArgumentException malformed) {
                // a header we cannot read is no preference
            }
        }
        return ENGLISH;
    }

    public String lang() {
        return locale.getLanguage();
    }

    public Locale locale() {
        return locale;
    }

    boolean has(String key) {
        return key != null && bundle.containsKey(key);
    }

    /** The text for {@code key}, with {@code {0}}, {@code {1}}… replaced by the arguments as given. */
    public String t(String key, Object... args) {
        String text;
        try {
            text = bundle.getString(key);
        } catch (MissingResourceException e) {
            return MISSING + key + "⟧";
        }
        for (int i = 0; i < args.length; i++) text = text.replace("{" + i + "}", String.valueOf(args[i]));
        return text;
    }

    /** {@code key.one} or {@code key.other} by the count, which becomes {0}. */
    public String count(String key, long n) {
        return t(key + (n == 1 ? ".one" : ".other"), number(n));
    }

    public String number(long n) {
        return NumberFormat.getIntegerInstance(locale).format(n);
    }

    /** Sizes in the units people read (1 KB = 1024 bytes, as mail clients show them): {@code 8.7 KB}, {@code 8,7 KB}. */
    public String size(long bytes) {
        if (bytes < 1024) return t("unit.bytes", number(bytes));
        NumberFormat one = NumberFormat.getNumberInstance(locale);
        one.setMaximumFractionDigits(1);
        one.setMinimumFractionDigits(0);
        double kb = bytes / 1024.0;
        if (kb < 1024) return one.format(kb) + " KB";
        double mb = kb / 1024;
        if (mb < 1024) return one.format(mb) + " MB";
        return one.format(mb / 1024) + " GB";
    }

    /** The largest unit or two that matter: {@code 45 s}, {@code 3 min}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
    public String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + " s";
        long m = s / 60;
        if (m < 60) return m + " min";
        long h = m / 60;
        if (h < 24) return h + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
        return t("unit.days", h / 24) + (h % 24 == 0 ? "" : " " + h % 24 + " h");
    }

    /** A date in a list: the time alone when it is today, else the short date and time. */
    public String listDate(Instant when) {
        ZonedDateTime z = when.atZone(ZoneId.systemDefault());
        if (z.toLocalDate().equals(ZonedDateTime.now(z.getZone()).toLocalDate())) {
            return DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale).format(z);
        }
        return shortDateTime.format(z);
    }

    /** A date in full (message headers, queue): medium date and time with seconds. */
    public String fullDate(ZonedDateTime when) {
        return longDateTime.format(when);
    }

    public String fullDate(Instant when) {
        return fullDate(when.atZone(ZoneId.systemDefault()));
    }
}
