package io.slotstream.publish.ndjson;

import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.publish.fixtures.Slots;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlotRulesTest {

    @Test
    void groupIsStatesAndTheIsoWeekInTheSlotsOwnOffset() {
        // 2026-09-28T02:00Z is Sunday 22:00 at -04:00: still ISO week 39 locally, week 40 in UTC
        SlotAvailability view = Slots.slot("a1", "s1", SlotStatus.BUSY,
                Instant.parse("2026-09-28T02:00:00Z").toEpochMilli(), -4 * 3600, List.of("MA", "CT", "MA"));
        assertThat(SlotRules.group(view)).isEqualTo("CT,MA|2026-W39");
        SlotAvailability noState = Slots.slot("a2", "s1", SlotStatus.FREE,
                Instant.parse("2026-09-30T14:00:00Z").toEpochMilli(), 0, List.of());
        assertThat(SlotRules.group(noState)).isEqualTo("|2026-W40");
    }
}
