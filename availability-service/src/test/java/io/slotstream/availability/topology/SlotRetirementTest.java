package io.slotstream.availability.topology;

import io.slotstream.availability.store.ExpiryIndex;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.slotstream.availability.testing.Fixtures.hold;
import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.slot;
import static io.slotstream.availability.testing.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Past slots leave the view and slot.availability.v1 on wall-clock time (issue 10, deliverable 3). */
class SlotRetirementTest {

    private static final long HOUR = 3_600_000L;
    private TopologyHarness t;

    private void start(Duration retention) {
        t = new TopologyHarness(TopologyMetrics.NONE, retention, T0);
        t.locations.pipeInput("loc1", location("loc1", "Main St Clinic", "Boston", "MA", "02110", 42.35, -71.06));
        t.schedules.pipeInput("sch1", schedule("sch1", List.of("Location/loc1"), "124", 1));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void slotIsTombstonedOnceItHasEndedAndLaterOnesStay() {
        start(Duration.ZERO);
        t.slots.pipeInput("soon", slot("soon", "sch1", SlotStatus.FREE, T0 + HOUR, 10)); // ends T0 + 1h15
        t.slots.pipeInput("later", slot("later", "sch1", SlotStatus.FREE, T0 + 5 * HOUR, 10));
        t.bookings.pipeInput("soon", hold("e1", "soon", "h1", T0 + 10 * HOUR, 11));
        assertThat(t.drain()).hasSize(3);

        t.driver.advanceWallClockTime(Duration.ofMinutes(74)); // T0 + 1h14: still running
        assertThat(t.drain()).isEmpty();
        t.driver.advanceWallClockTime(Duration.ofMinutes(2)); // T0 + 1h16: ended

        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("soon");
            assertThat(kv.value).isNull();
        });
        KeyValueStore<String, SlotAvailability> view = t.driver.getKeyValueStore(StoreNames.SLOT_VIEW);
        assertThat(view.get("soon")).isNull();
        assertThat(view.get("later")).isNotNull();
        assertThat(t.driver.getKeyValueStore(StoreNames.SLOT_STATE).get("soon")).isNull();

        // a re-send of the ended slot does not bring it back
        t.slots.pipeInput("soon", slot("soon", "sch1", SlotStatus.FREE, T0 + HOUR, 12));
        t.driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(t.drain()).isEmpty();
    }

    @Test
    void theEndIndexHoldsOneEntryPerSlotAndIsWrittenOnlyWhenTheEndChanges() {
        start(Duration.ZERO);
        String changelog = "availability-ttd-" + StoreNames.SLOT_END_INDEX + "-changelog";
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + HOUR, 10));
        t.drain();
        assertThat(endIndex()).containsExactly(KeyValue.pair(T0 + HOUR + 15 * 60_000L, "s1"));
        assertThat(changelogRecords(changelog)).as("the new slot's entry").isEqualTo(1);

        // status changes keep the end: the entry stays and nothing is written for it
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.BUSY, T0 + HOUR, 11));
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + HOUR, 12));
        assertThat(t.drain()).hasSize(2);
        assertThat(endIndex()).containsExactly(KeyValue.pair(T0 + HOUR + 15 * 60_000L, "s1"));
        assertThat(changelogRecords(changelog)).isZero();

        // a moved end replaces the entry; a delete removes it
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + 2 * HOUR, 13));
        assertThat(endIndex()).containsExactly(KeyValue.pair(T0 + 2 * HOUR + 15 * 60_000L, "s1"));
        assertThat(changelogRecords(changelog)).as("the old entry's tombstone and the new entry").isEqualTo(2);
        t.slots.pipeInput("s1", (FhirSlot) null);
        assertThat(endIndex()).isEmpty();
        // a slot moved into the past leaves the view and the index at once
        t.slots.pipeInput("s2", slot("s2", "sch1", SlotStatus.FREE, T0 + HOUR, 10));
        t.slots.pipeInput("s2", slot("s2", "sch1", SlotStatus.FREE, T0 - HOUR, 11));
        assertThat(endIndex()).isEmpty();
    }

    /** @return the end index as (end ms, slot id), in index order */
    private List<KeyValue<Long, String>> endIndex() {
        KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> ends = t.driver.getKeyValueStore(StoreNames.SLOT_END_INDEX);
        List<KeyValue<Long, String>> entries = new java.util.ArrayList<>();
        try (var it = ends.all()) {
            it.forEachRemaining(kv -> entries.add(KeyValue.pair(ExpiryIndex.expiryOf(kv.key), ExpiryIndex.slotIdOf(kv.key))));
        }
        return entries;
    }

    /** @return how many records the store's changelog received since the last call */
    private int changelogRecords(String changelog) {
        return t.driver.createOutputTopic(changelog, Serdes.Bytes().deserializer(), Serdes.ByteArray().deserializer())
                .readRecordsToList().size();
    }

    @Test
    void slotArrivingAlreadyEndedIsNeverPublished() {
        start(Duration.ZERO);
        t.slots.pipeInput("past", slot("past", "sch1", SlotStatus.FREE, T0 - HOUR, 10));
        t.driver.advanceWallClockTime(Duration.ofSeconds(5));

        assertThat(t.drain()).isEmpty();
        assertThat(t.driver.getKeyValueStore(StoreNames.SLOT_VIEW).get("past")).isNull();
    }

    @Test
    void publishedSlotMovedIntoThePastIsTombstonedAtOnce() {
        start(Duration.ZERO);
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + HOUR, 10));
        assertThat(t.drain()).hasSize(1);

        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 - HOUR, 11));

        assertThat(t.drain()).singleElement().satisfies(kv -> assertThat(kv.value).isNull());
    }

    @Test
    void slotMovedLaterIsRetiredAtItsNewEndOnly() {
        start(Duration.ZERO);
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + HOUR, 10));
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + 3 * HOUR, 11));
        t.drain();

        t.driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(t.drain()).isEmpty();
        t.driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("s1");
            assertThat(kv.value).isNull();
        });
    }

    @Test
    void retentionKeepsEndedSlotsThatLongAndDeletedSlotsAreNotTombstonedTwice() {
        start(Duration.ofDays(1));
        t.slots.pipeInput("recent", slot("recent", "sch1", SlotStatus.FREE, T0 - HOUR, 10));
        t.slots.pipeInput("old", slot("old", "sch1", SlotStatus.FREE, T0 - 2 * 24 * HOUR, 10));
        t.slots.pipeInput("gone", slot("gone", "sch1", SlotStatus.FREE, T0 + HOUR, 10));
        List<KeyValue<String, SlotAvailability>> out = t.drain();
        assertThat(out).extracting(kv -> kv.key).containsExactlyInAnyOrder("recent", "gone");
        t.slots.pipeInput("gone", (FhirSlot) null);
        assertThat(t.drain()).singleElement().satisfies(kv -> assertThat(kv.value).isNull());

        t.driver.advanceWallClockTime(Duration.ofHours(22));
        assertThat(t.drain()).isEmpty();
        t.driver.advanceWallClockTime(Duration.ofHours(2)); // recent ended T0 - 45 min; now T0 + 24h

        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("recent");
            assertThat(kv.value).isNull();
        });
    }

    @Test
    void aRetirementThatArrivesAfterTheSlotMovedLeavesTheNewVersion() {
        start(Duration.ZERO);
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + HOUR, 10)); // ends T0 + 1h15
        t.drain();
        // a retirement scheduled for the slot's first end reaches the view after the source moved the slot
        var retirements = t.driver.createInputTopic("availability-ttd-slot-retirements-repartition",
                Serdes.String().serializer(), Serdes.Long().serializer());
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, T0 + 3 * HOUR, 11));
        assertThat(t.drain()).singleElement().satisfies(kv -> assertThat(kv.value).isNotNull());

        retirements.pipeInput("s1", T0 + HOUR + 15 * 60_000);
        assertThat(t.drain()).isEmpty();
        assertThat(t.driver.getKeyValueStore(StoreNames.SLOT_VIEW).get("s1")).isNotNull();

        retirements.pipeInput("s1", T0 + 3 * HOUR + 15 * 60_000); // its current end: it leaves
        assertThat(t.drain()).singleElement().satisfies(kv -> assertThat(kv.value).isNull());
        assertThat(t.driver.getKeyValueStore(StoreNames.SLOT_STATE).get("s1")).isNull();
    }
}
