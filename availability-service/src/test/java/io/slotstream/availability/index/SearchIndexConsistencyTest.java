package io.slotstream.availability.index;

import io.slotstream.availability.store.StoreNames;
import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.availability.topology.TopologyMetrics;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.slotstream.availability.testing.Fixtures.booked;
import static io.slotstream.availability.testing.Fixtures.cancelled;
import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.role;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search index holds exactly the posting keys of what is published, however the slots got there: new slots,
 * status and start changes, moves between Schedules, bookings, deletes, and Schedule changes that re-emit many slots.
 * The index computes a slot's old keys from the value published before (no store of its own), so a key left behind or
 * missing shows here, even where a search would hide it by checking every slot it reads.
 */
class SearchIndexConsistencyTest {

    private static final long MON = Instant.parse("2026-03-23T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final SlotStatus[] STATUSES = {SlotStatus.FREE, SlotStatus.BUSY, SlotStatus.BUSY_UNAVAILABLE};
    private static final String[] SERVICE_TYPES = {"124", "57", "310"};

    private final Random random = new Random(20261201);
    private TopologyHarness t;
    private long eventTime = 1;

    @BeforeEach
    void references() {
        t = new TopologyHarness(TopologyMetrics.NONE);
        for (int i = 0; i < 3; i++) {
            t.locations.pipeInput("L" + i, location("L" + i, "Clinic " + i, "City" + i, "MA", "0211" + i, 42, -71));
            t.roles.pipeInput("R" + i, role("R" + i, "P" + i, "L" + i, "394802001"));
        }
        for (int i = 0; i < 4; i++) {
            putSchedule(i);
        }
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void thePostingsAreExactlyThePublishedViewsTermsAfterRandomChanges() {
        for (int i = 0; i < 60; i++) {
            putSlot("x" + i);
        }
        assertThat(published()).hasSize(60);
        assertIndexMatchesView();
        for (int step = 0; step < 400; step++) {
            String id = "x" + random.nextInt(70); // some ids are new
            switch (random.nextInt(6)) {
                case 0, 1 -> putSlot(id);
                case 2 -> t.slots.pipeInput(id, null);
                case 3 -> t.bookings.pipeInput(id, booked("b" + step, id, "A" + step, ++eventTime));
                case 4 -> t.bookings.pipeInput(id, cancelled("c" + step, id, "A" + (step - 1), ++eventTime));
                default -> putSchedule(random.nextInt(4)); // re-emits the Schedule's slots with new terms
            }
        }
        assertIndexMatchesView();
        assertThat(published()).as("the random changes must leave slots to check").hasSizeGreaterThan(20);
    }

    @Test
    void aDeletedScheduleLeavesNoPostingsOfItsSlots() {
        for (int i = 0; i < 20; i++) {
            t.slots.pipeInput("y" + i, slot("y" + i, "S0", SlotStatus.FREE, MON + i * HOUR, ++eventTime));
        }
        assertThat(postings()).isNotEmpty();
        t.schedules.pipeInput("S0", null);
        assertThat(published()).isEmpty();
        assertThat(postings()).isEmpty();
    }

    private void putSlot(String id) {
        t.slots.pipeInput(id, slot(id, "S" + random.nextInt(4), STATUSES[random.nextInt(STATUSES.length)],
                MON + random.nextInt(14 * 24) * HOUR, ++eventTime));
    }

    private void putSchedule(int i) {
        List<String> actors = random.nextBoolean() ? List.of("Location/L" + random.nextInt(3))
                : List.of("PractitionerRole/R" + random.nextInt(3));
        t.schedules.pipeInput("S" + i, schedule("S" + i, actors, SERVICE_TYPES[random.nextInt(3)], ++eventTime));
    }

    private void assertIndexMatchesView() {
        Set<Bytes> expected = new HashSet<>();
        for (SlotAvailability a : published()) {
            for (String term : SearchTerms.of(a)) {
                expected.add(PostingKey.of(term, a.getStart().toEpochMilli(), a.getSlotId()));
            }
        }
        assertThat(postings()).isEqualTo(expected);
    }

    private List<SlotAvailability> published() {
        KeyValueStore<String, SlotAvailability> view = t.driver.getKeyValueStore(StoreNames.SLOT_VIEW);
        try (KeyValueIterator<String, SlotAvailability> all = view.all()) {
            List<SlotAvailability> values = new java.util.ArrayList<>();
            all.forEachRemaining(kv -> values.add(kv.value));
            return values;
        }
    }

    private Set<Bytes> postings() {
        KeyValueStore<Bytes, byte[]> store = t.driver.getKeyValueStore(IndexStores.POSTINGS);
        Set<Bytes> keys = new HashSet<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining((KeyValue<Bytes, byte[]> kv) -> keys.add(kv.key));
        }
        return keys;
    }
}
