package org.estafeta.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Date fields as RFC 5322 writes them (its Appendix A examples) and as old mail does (§4.3). */
class MailDateTest {

    static Stream<Arguments> fields() {
        return Stream.of(
                arguments("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00"),
                arguments("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T10:52:37+02:00"),
                arguments("Thu,\r\n 13\r\n   Feb\r\n     1969\r\n 23:32\r\n   -0330 (Newfoundland Time)", "1969-02-13T23:32-03:30"),
                arguments("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06Z"),
                arguments("1 jan 04 00:00 EST", "2004-01-01T00:00-05:00"),
                arguments("Mon (Lundi), 4(quatre)May (Mai) 1998(1998-05-04)03 : 04 : 12 +0000", "1998-05-04T03:04:12Z"),
                arguments("Sun, 31 Dec 2023 23:59:59 PDT", "2023-12-31T23:59:59-07:00"));
    }

    @ParameterizedTest
    @MethodSource("fields")
    void readsTheFormsMailIsWrittenIn(String field, String expected) {
        assertThat(MailDate.parse(field).toOffsetDateTime()).isEqualTo(OffsetDateTime.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "Mon, 30 Feb 2024 10:00:00 +0000", "Mon, 1 Foo 2024 10:00:00 +0000", "1 Jan 2024 25:00 +0000"})
    void whatIsNotADateIsNull(String field) {
        assertThat(MailDate.parse(field)).isNull();
    }

    @Test
    void whatItWritesItReadsBack() {
        ZonedDateTime when = ZonedDateTime.of(2026, 12, 1, 6, 30, 5, 0, ZoneOffset.ofHours(1));
        assertThat(MailDate.format(when)).isEqualTo("Tue, 1 Dec 2026 06:30:05 +0100");
        assertThat(MailDate.parse(MailDate.format(when))).isEqualTo(when);
    }
}
