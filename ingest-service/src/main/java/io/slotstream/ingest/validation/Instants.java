package io.slotstream.ingest.validation;

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
