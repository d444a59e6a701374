package io.slotstream.availability.topology;

import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static io.slotstream.availability.testing.Fixtures.booked;
import static io.slotstream.availability.testing.Fixtures.cancelled;
import static io.slotstream.availability.testing.Fixtures.hold;
import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.release;
import static io.slotstream.availability.testing.Fixtures.role;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.service;
import static io.slotstream.availability.testing.Fixtures.slot;
import static io.slotstream.availability.testing.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The view is a pure fold of the topics (design.md "Truth and ordering"): a fresh topology fed only what compaction
 * leaves of the input topics (the last value per key of the fhir.* topics, every booking event) builds the same view,
 * byte for byte, as the live one that saw the whole history in its order (out-of-order versions, references arriving
 * late or changing, schedule changes and deletes, holds and bookings). Both run at the same wall-clock time:
 * {@code updatedAt} is when the view changed, the one field that depends on when it was built.
 */
class ViewRebuildTest {

    private static final long START = Instant.parse("2026-03-21T14:45:00Z").toEpochMilli();
    private static final AvroBinarySerde<SlotAvailability> VIEW = new AvroBinarySerde<>(SlotAvailability.class);

    @Test
    void rebuildFromCompactedTopicsEqualsTheLiveViewByteForByte() {
        Compacted topics = new Compacted();
        Map<String, String> liveTopic;
        Map<String, String> liveStore;
        try (TopologyHarness live = new TopologyHarness(TopologyMetrics.NONE)) {
            topics.history(live);
            liveTopic = lastValues(live.drain());
            liveStore = store(live);
        }
        assertThat(liveStore).isNotEmpty().isEqualTo(liveTopic);

        try (TopologyHarness rebuilt = new TopologyHarness(TopologyMetrics.NONE)) {
            topics.replay(rebuilt);
            assertThat(store(rebuilt)).isEqualTo(liveStore);
            assertThat(lastValues(rebuilt.drain())).isEqualTo(liveTopic);
        }
    }

    /** Records what compaction keeps of each input topic while piping the live history. */
    private static final class Compacted {
        final Map<String, FhirLocation> locations = new LinkedHashMap<>();
        final Map<String, FhirPractitionerRole> roles = new LinkedHashMap<>();
        final Map<String, FhirSchedule> schedules = new LinkedHashMap<>();
        final Map<String, FhirSlot> slots = new LinkedHashMap<>();
        final List<Consumer<TopologyHarness>> bookings = new ArrayList<>();

        void history(TopologyHarness t) {
            putSlot(t, "s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
            putSlot(t, "s2", slot("s2", "sch1", SlotStatus.FREE, START + 900_000, 10));
            putSlot(t, "s3", slot("s3", "sch2", SlotStatus.BUSY, START, 10));
            putSchedule(t, "sch1", schedule("sch1", List.of("Location/loc1", "PractitionerRole/role1"), "124", 1));
            putSchedule(t, "sch2", schedule("sch2", List.of("HealthcareService/svc1"), "57", 1));
            putLocation(t, "loc1", location("loc1", "Main St Clinic", "Boston", "MA", "02110", 42.35, -71.06));
            putRole(t, "role1", role("role1", "smith", "loc2", "394802001"));
            // a newer version with an older eventTime: ingest decided it is current, the view applies it
            putSlot(t, "s1", slot("s1", "sch1", SlotStatus.BUSY_UNAVAILABLE, START, 5));
            putSlot(t, "s1", slot("s1", "sch1", SlotStatus.FREE, START, 20));
            booking(t, b -> b.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 600_000, 21)));
            booking(t, b -> b.bookings.pipeInput("s2", hold("e2", "s2", "h2", T0 + 600_000, 22)));
            booking(t, b -> b.bookings.pipeInput("s2", release("e3", "s2", "h2", 23)));
            booking(t, b -> b.bookings.pipeInput("s1", booked("e4", "s1", "appt-1", 24)));
            booking(t, b -> b.bookings.pipeInput("s3", booked("e5", "s3", "appt-2", 25)));
            booking(t, b -> b.bookings.pipeInput("s3", cancelled("e6", "s3", "appt-2", 26)));
            putLocation(t, "loc2", location("loc2", "Harbor Clinic", "Portland", "ME", "04101", 43.66, -70.25));
            putLocation(t, "loc1", location("loc1", "Main St Clinic", "Nashua", "NH", "03060", 42.76, -71.46));
            putSchedule(t, "sch2", schedule("sch2", List.of("HealthcareService/svc1", "Location/loc2"), "57", 2));
            t.services.pipeInput("svc1", service("svc1", "loc1", "57"));
            putSlot(t, "s4", slot("s4", "sch3", SlotStatus.FREE, START, 30));
            putSchedule(t, "sch3", schedule("sch3", List.of("Location/loc2"), "124", 3));
            putSlot(t, "s5", slot("s5", "sch3", SlotStatus.FREE, START, 30));
            putSlot(t, "s5", null);
            putSchedule(t, "sch3", null);
            putSlot(t, "s6", slot("s6", "sch2", SlotStatus.FREE, START + 1_800_000, 40));
            // the last version of s2 carries an older eventTime than the one before: the topic's last word wins
            putSlot(t, "s2", slot("s2", "sch1", SlotStatus.BUSY, START + 900_000, 50));
            putSlot(t, "s2", slot("s2", "sch1", SlotStatus.FREE, START + 900_000, 45));
            putRole(t, "role1", role("role1", "smith", "loc1", "419772000"));
        }

        void replay(TopologyHarness t) {
            // worst case for a restore: slots and bookings first, then schedules, references last
            slots.forEach(t.slots::pipeInput);
            bookings.forEach(b -> b.accept(t));
            schedules.forEach(t.schedules::pipeInput);
            roles.forEach(t.roles::pipeInput);
            t.services.pipeInput("svc1", service("svc1", "loc1", "57"));
            locations.forEach(t.locations::pipeInput);
        }

        private void putSlot(TopologyHarness t, String id, FhirSlot value) {
            pipe(t.slots, slots, id, value);
        }

        private void putSchedule(TopologyHarness t, String id, FhirSchedule value) {
            pipe(t.schedules, schedules, id, value);
        }

        private void putLocation(TopologyHarness t, String id, FhirLocation value) {
            pipe(t.locations, locations, id, value);
        }

        private void putRole(TopologyHarness t, String id, FhirPractitionerRole value) {
            pipe(t.roles, roles, id, value);
        }

        private void booking(TopologyHarness t, Consumer<TopologyHarness> event) {
            bookings.add(event);
            event.accept(t);
        }

        private static <V> void pipe(TestInputTopic<String, V> topic, Map<String, V> compacted, String id, V value) {
            topic.pipeInput(id, value);
            if (value == null) {
                compacted.remove(id);
            } else {
                compacted.put(id, value);
            }
        }
    }

    /** @return slot id -> Base64 of the serialized value, for the keys whose last record is not a tombstone */
    private static Map<String, String> lastValues(List<KeyValue<String, SlotAvailability>> records) {
        Map<String, String> last = new TreeMap<>();
        for (KeyValue<String, SlotAvailability> kv : records) {
            if (kv.value == null) {
                last.remove(kv.key);
            } else {
                last.put(kv.key, Base64.getEncoder().encodeToString(VIEW.toBytes(kv.value)));
            }
        }
        return last;
    }

    private static Map<String, String> store(TopologyHarness t) {
        KeyValueStore<String, SlotAvailability> view = t.driver.getKeyValueStore(StoreNames.SLOT_VIEW);
        Map<String, String> content = new TreeMap<>();
        try (KeyValueIterator<String, SlotAvailability> it = view.all()) {
            it.forEachRemaining(kv -> content.put(kv.key, Base64.getEncoder().encodeToString(VIEW.toBytes(kv.value))));
        }
        return content;
    }
}
