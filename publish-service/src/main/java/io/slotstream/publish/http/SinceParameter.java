package io.slotstream.publish.http;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Parses {@code _since} (sched-8): a FHIR instant, i.e. seconds and an offset are required
 * ({@code 2026-09-30T10:00:00Z}, {@code 2026-09-30T10:00:00.123-04:00}). A {@code +} that arrived unencoded (decoded
 * to a space) is put back. Sub-millisecond digits are truncated, which can only widen the answer.
 */
final class SinceParameter {

    private static final Pattern INSTANT =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private SinceParameter() {
    }

    /**
     * @return UTC epoch milliseconds
     * @throws IllegalArgumentException with a message for the client when the value is not an instant
     */
    static long parse(String raw) {
        String value = raw.trim().replace(' ', '+');
        if (!INSTANT.matcher(value).matches()) {
            throw new IllegalArgumentException("_since must be a FHIR instant with seconds and a time zone offset, "
                    + "e.g. 2026-09-30T10:00:00Z; got '" + raw + "'");
        }
        try {
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("_since is not a valid instant: '" + raw + "' (" + e.getMessage() + ")");
        }
    }
}
