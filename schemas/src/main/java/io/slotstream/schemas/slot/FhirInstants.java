package io.slotstream.schemas.slot;

/**
 * FHIR instant/dateTime text without java.time formatters on the hot path: {@code 2026-09-30T10:00:00-04:00}, with
 * {@code .SSS} only when the milliseconds are not zero and {@code Z} for offset 0 (SMART Scheduling Links STU1 §4.1,
 * sched-1: seconds and an offset always present). This is also how HAPI writes an InstantType of second/milli
 * precision, so lines stay byte-identical to HAPI's encoding. Offsets are whole minutes (seconds are dropped).
 */
public final class FhirInstants {

    private FhirInstants() {
    }

    /** @return the instant written in that local offset */
    public static String format(java.time.Instant instant, int offsetSeconds) {
        return format(instant.toEpochMilli(), offsetSeconds);
    }

    /** @return see {@link #dateTime(long)} */
    public static String dateTime(java.time.Instant instant) {
        return dateTime(instant.toEpochMilli());
    }

    /** @return the instant written in that local offset */
    public static String format(long epochMillis, int offsetSeconds) {
        long localMillis = epochMillis + offsetSeconds * 1000L;
        long days = Math.floorDiv(localMillis, 86_400_000L);
        long millisOfDay = Math.floorMod(localMillis, 86_400_000L);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
        StringBuilder out = new StringBuilder(29);
        int year = date.getYear();
        pad(out, year, 4).append('-');
        pad(out, date.getMonthValue(), 2).append('-');
        pad(out, date.getDayOfMonth(), 2).append('T');
        pad(out, (int) (millisOfDay / 3_600_000L), 2).append(':');
        pad(out, (int) (millisOfDay / 60_000L % 60), 2).append(':');
        pad(out, (int) (millisOfDay / 1000 % 60), 2);
        int millis = (int) (millisOfDay % 1000);
        if (millis != 0) {
            out.append('.');
            pad(out, millis, 3);
        }
        return appendOffset(out, offsetSeconds).toString();
    }

    /**
     * A FHIR dateTime in UTC for period bounds, as the schemas mapping writes them: a UTC midnight becomes a date
     * ({@code 2020-01-01}), anything else an instant with {@code Z}.
     */
    public static String dateTime(long epochMillis) {
        if (epochMillis % 86_400_000L == 0) {
            return java.time.LocalDate.ofEpochDay(Math.floorDiv(epochMillis, 86_400_000L)).toString();
        }
        return format(epochMillis, 0);
    }

    private static StringBuilder appendOffset(StringBuilder out, int offsetSeconds) {
        int minutes = offsetSeconds / 60;
        if (minutes == 0) {
            return out.append('Z');
        }
        out.append(minutes < 0 ? '-' : '+');
        int abs = Math.abs(minutes);
        pad(out, abs / 60, 2).append(':');
        return pad(out, abs % 60, 2);
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
