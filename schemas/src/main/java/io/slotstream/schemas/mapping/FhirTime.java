package io.slotstream.schemas.mapping;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.TimeZone;

/** FHIR instant/dateTime to UTC epoch milliseconds plus offset, and back. */
final class FhirTime {

    private FhirTime() {
    }

    /**
     * @return the instant the value denotes; a value without a zone (date-only dateTime, e.g. 2020-01-01) is read as
     *         UTC, so the result does not depend on the JVM's default zone
     */
    static Instant toInstant(BaseDateTimeType value) {
        if (value.getTimeZone() != null) {
            return value.getValue().toInstant();
        }
        Integer month = value.getMonth();
        Integer day = value.getDay();
        LocalDateTime local = LocalDateTime.of(value.getYear(), month == null ? 1 : month + 1, day == null ? 1 : day,
                orZero(value.getHour()), orZero(value.getMinute()), orZero(value.getSecond()),
                orZero(value.getMillis()) * 1_000_000);
        return local.toInstant(ZoneOffset.UTC);
    }

    /** @return the UTC offset the value was written with, in seconds; 0 for Z or no zone */
    static int offsetSeconds(BaseDateTimeType value) {
        TimeZone zone = value.getTimeZone();
        return zone == null ? 0 : zone.getOffset(value.getValue().getTime()) / 1000;
    }

    /** @return an instant written with that offset ("Z" for 0), with milliseconds only when they are not zero */
    static InstantType instant(Instant at, int offsetSeconds) {
        InstantType result = new InstantType(Date.from(at), precision(at), zone(offsetSeconds));
        if (offsetSeconds == 0) {
            result.setTimeZoneZulu(true);
        }
        return result;
    }

    /**
     * @return a dateTime in UTC ("Z"); a UTC midnight becomes a date (e.g. 2020-01-01), the common date-only period
     *         bound. When that guess is wrong the residual keeps the source form (the round trip is compared).
     */
    static DateTimeType dateTime(Instant at) {
        if (at.toEpochMilli() % 86_400_000L == 0) {
            return new DateTimeType(at.atOffset(ZoneOffset.UTC).toLocalDate().toString());
        }
        DateTimeType result = new DateTimeType(Date.from(at), precision(at), zone(0));
        result.setTimeZoneZulu(true);
        return result;
    }

    private static TemporalPrecisionEnum precision(Instant at) {
        return at.toEpochMilli() % 1000 == 0 ? TemporalPrecisionEnum.SECOND : TemporalPrecisionEnum.MILLI;
    }

    private static TimeZone zone(int offsetSeconds) {
        return TimeZone.getTimeZone(ZoneOffset.ofTotalSeconds(offsetSeconds));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
