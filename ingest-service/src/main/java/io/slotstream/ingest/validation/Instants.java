package io.slotstream.ingest.validation;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * The FHIR R4 {@code instant} lexical form (http://hl7.org/fhir/R4/datatypes.html#instant), which SMART Scheduling
 * Links requires for every timestamp (§4.1, sched-1): seconds and an offset ({@code Z} or {@code ±hh:mm}) are
 * mandatory, so {@code 2021-03-10T15:00:00-05} is refused. R4's pattern allows any number of fractional-second
 * digits; Slotstream keeps instants to the nanosecond ({@code java.time.Instant}, the Avro mapping), so more than
 * {@value #MAX_FRACTION_DIGITS} digits are refused rather than silently cut ({@link #tooPrecise}).
 */
public final class Instants {

    private static final Pattern INSTANT = Pattern.compile(
            "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
                    + "T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))");

    /** The most fractional-second digits an accepted instant may have (nanoseconds). */
    public static final int MAX_FRACTION_DIGITS = 9;

    /** The rule named when an instant has more fractional-second digits than are kept. */
    public static final String PRECISION_RULE = "R4 instant; Slotstream keeps at most " + MAX_FRACTION_DIGITS
            + " fractional-second digits (nanoseconds)";

    private Instants() {
    }

    /** @return whether the text is a valid R4 instant; false for null */
    public static boolean isInstant(String text) {
        return text != null && INSTANT.matcher(text).matches();
    }

    /**
     * Reads {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±hh:mm)} without {@code DateTimeFormatter} (a hot path: several
     * instants per feed line). For such text the result equals {@code OffsetDateTime.parse(text)}.
     *
     * @return the value; null when the text has another form (use {@code OffsetDateTime.parse} for those) or names no
     *         real date and time
     */
    public static OffsetDateTime parseOffsetDateTime(String text) {
        int n = text.length();
        if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (text.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                nanos = nanos * 10 + (text.charAt(i) - '0');
                i++;
            }
            int count = i - start;
            if (count == 0 || (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9')) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n - 1 && text.charAt(i) == 'Z') {
            offset = ZoneOffset.UTC;
        } else if (i == n - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 3) == ':') {
            int hours = digits(text, i + 1, 2);
            int minutes = digits(text, i + 4, 2);
            if ((hours | minutes) < 0 || hours > 18 || minutes > 59) {
                return null;
            }
            int sign = text.charAt(i) == '-' ? -1 : 1;
            try {
                offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** @return the decimal number of {@code length} digits at {@code from}; -1 when a character is not a digit */
    private static int digits(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** @return whether the instant's fraction of a second has more than {@value #MAX_FRACTION_DIGITS} digits */
    public static boolean tooPrecise(String text) {
        int dot = text == null ? -1 : text.indexOf('.');
        if (dot < 0) {
            return false;
        }
        int end = dot + 1;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return end - dot - 1 > MAX_FRACTION_DIGITS;
    }
}
