package io.slotstream.ingest.validation;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hot-path instant reader gives what {@code OffsetDateTime.parse} gives, or null (then callers use that). */
class InstantsTest {

    @Test
    void parseOffsetDateTimeEqualsJavaTimeOrDeclines() {
        List<String> fixed = List.of("2026-12-07T08:00:00Z", "2026-12-07T08:00:00.000Z", "2026-12-07T08:00:00.5+05:30",
                "2026-12-07T08:00:00.123456789-04:00", "2026-12-07T08:00:00.1234567891Z", "2026-12-07T08:00:00-00:00",
                "2026-02-29T08:00:00Z", "2024-02-29T08:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07T08:60:00Z",
                "2026-12-07T08:00:60Z", "2026-12-07T08:00:00+18:00", "2026-12-07T08:00:00+19:00", "2026-12-07T08:00Z",
                "2026-12-07T08:00:00", "2026-12-07t08:00:00Z", "2026-12-07T08:00:00.Z", "0000-01-01T00:00:00Z",
                "2026-13-07T08:00:00Z", "2026-12-07T08:00:00+05:3", "2026-12-07T08:00:00+0530", "x026-12-07T08:00:00Z");
        for (String text : fixed) {
            check(text);
        }
        Random random = new Random(7);
        String alphabet = "0123456789-T:.Z+";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(fixed.get(random.nextInt(fixed.size())));
            int edits = random.nextInt(3);
            for (int e = 0; e < edits && !text.isEmpty(); e++) {
                text.setCharAt(random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            check(text.toString());
        }
    }

    private static void check(String text) {
        OffsetDateTime fast = Instants.parseOffsetDateTime(text);
        OffsetDateTime reference;
        try {
            reference = OffsetDateTime.parse(text);
        } catch (DateTimeException e) {
            reference = null;
        }
        if (fast != null) {
            assertThat(fast).as(text).isEqualTo(reference);
        }
        if (reference != null && text.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?(Z|[+-]\\d\\d:\\d\\d)")) {
            assertThat(fast).as("the common form is read: " + text).isEqualTo(reference);
        }
    }
}
