package io.slotstream.availability.query;

import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.availability.topology.TopologyMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.slotstream.availability.testing.Fixtures.hold;
import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Slot search over the stores the topology fills (TopologyTestDriver): index scans, filters, order, strictness. */
class SlotSearchTest {

    private static final long MON = Instant.parse("2026-03-23T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private TopologyHarness t;

    @BeforeEach
    void fill() {
        t = new TopologyHarness(TopologyMetrics.NONE);
        t.locations.pipeInput("loc1", location("loc1", "Clinic", "Boston", "MA", "02110", 42.35, -71.06));
        t.schedules.pipeInput("A", schedule("A", List.of("Location/loc1"), "124", 1));
        t.schedules.pipeInput("AB", schedule("AB", List.of("Location/loc1"), "57", 1));
        for (int d = -1; d < 9; d++) {
            t.slots.pipeInput("a" + d, slot("a" + d, "A", d % 2 == 0 ? SlotStatus.FREE : SlotStatus.BUSY, MON + d * DAY, 1));
            t.slots.pipeInput("ab" + d, slot("ab" + d, "AB", SlotStatus.FREE, MON + d * DAY, 1));
        }
        t.bookings.pipeInput("a2", hold("e1", "a2", "h1", TopologyHarness.T0 + 60_000, 2));
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void oneScheduleOneWeekComesFromTheIndexInStartOrder() {
        Partial<SlotAvailability> p = search(Map.of("schedule", new String[]{"A"},
                "start", new String[]{"ge2026-03-23", "lt2026-03-30"}), 100);

        assertThat(p.total()).isEqualTo(7);
        assertThat(p.first()).extracting(SlotAvailability::getSlotId)
                .containsExactly("a0", "a1", "a2", "a3", "a4", "a5", "a6");
    }

    @Test
    void filtersByEffectiveStatusServiceTypeAndSortsDescending() {
        Partial<SlotAvailability> p = search(Map.of("schedule", new String[]{"Schedule/A,AB"},
                "status", new String[]{"free"}, "service-type", new String[]{"http://terminology.hl7.org/CodeSystem/service-type|124"},
                "_sort", new String[]{"-start"}), 3);

        // a0, a4, a6, a8 are free; a2 is held (busy-tentative); total counts all, first holds the limit
        assertThat(p.total()).isEqualTo(4);
        assertThat(p.first()).extracting(SlotAvailability::getSlotId).containsExactly("a8", "a6", "a4");
        assertThat(search(Map.of("status", new String[]{"busy-tentative"}), 10).first())
                .extracting(SlotAvailability::getSlotId).containsExactly("a2");
    }

    @Test
    void withoutScheduleDrivesFromAnotherIndex() {
        assertThat(search(Map.of("start", new String[]{"2026-03-24"}), 10).first())
                .extracting(SlotAvailability::getSlotId).containsExactly("a1", "ab1");
    }

    @Test
    void rejectsUnknownAndMalformedParameters() {
        assertThatThrownBy(() -> SlotQuery.parse(Map.of("colour", new String[]{"red"})))
                .isInstanceOf(SearchException.class).hasMessageContaining("Unknown search parameter 'colour'");
        assertThatThrownBy(() -> SlotQuery.parse(Map.of("start:missing", new String[]{"true"})))
                .isInstanceOf(SearchException.class);
        assertThatThrownBy(() -> SlotQuery.parse(Map.of("start", new String[]{"xx2026-03-23"})))
                .isInstanceOf(SearchException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> SlotQuery.parse(Map.of("start", new String[]{"2026-02-30"})))
                .isInstanceOf(SearchException.class);
        assertThatThrownBy(() -> SlotQuery.parse(Map.of("schedule", new String[]{"Location/1"})))
                .isInstanceOf(SearchException.class);
        assertThatThrownBy(() -> Paging.parse("Slot", Map.of("_count", new String[]{"5000"}), 50, 1000))
                .isInstanceOf(SearchException.class).hasMessageContaining("_count");
    }

    @Test
    void dateRangesFollowFhirPrefixesAndPrecision() {
        long t0 = Instant.parse("2026-03-23T10:00:00Z").toEpochMilli();
        assertThat(DateRange.parse("2026-03-23T06:00:00-04:00", "x")).isEqualTo(new DateRange(t0, t0 + 1000));
        // an unencoded '+' arrives as ' ': 06:00+04:00 is 02:00Z; minute precision, so gt starts a minute later
        long t2 = Instant.parse("2026-03-23T02:00:00Z").toEpochMilli();
        assertThat(DateRange.parse("gt2026-03-23T06:00 04:00", "x")).isEqualTo(new DateRange(t2 + 60_000, Long.MAX_VALUE));
        assertThat(DateRange.parse("le2026-03", "x").toMs())
                .isEqualTo(Instant.parse("2026-04-01T00:00:00Z").toEpochMilli());
    }

    private Partial<SlotAvailability> search(Map<String, String[]> params, int limit) {
        return IndexedSlotSearch.search(SlotQuery.parse(new LinkedHashMap<>(params)), null, true, t.stores(), limit);
    }
}
