package io.slotstream.ingest.validation;

import java.util.regex.Pattern;

/**
 * The FHIR R4 {@code instant} lexical form (http://hl7.org/fhir/R4/datatypes.html#instant), which SMART Scheduling
 * Links requires for every timestamp (§4.1, sched-1): seconds and an offset ({@code Z} or {@code ±hh:mm}) are
 * mandatory, so {@code 2021-03-10T15:00:00-05} is refused.
 */
public final class Instants {

    private static final Pattern INSTANT = Pattern.compile(
            "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
                    + "T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))");

    private Instants() {
    }

    /** @return whether the text is a valid R4 instant; false for null */
    public static boolean isInstant(String text) {
        return text != null && INSTANT.matcher(text).matches();
    }
}
