package io.slotstream.availability.topology;

import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.avro.Coding;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static io.slotstream.availability.testing.Fixtures.booked;
import static io.slotstream.availability.testing.Fixtures.cancelled;
import static io.slotstream.availability.testing.Fixtures.expired;
import static io.slotstream.availability.testing.Fixtures.hold;
import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.release;
import static io.slotstream.availability.testing.Fixtures.role;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.slot;
import static io.slotstream.availability.testing.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The slot view topology in a TopologyTestDriver: status overlays, deletes, ordering, churn, schedule gating. */
class AvailabilityTopologyTest {

    private static final long START = Instant.parse("2026-03-21T14:45:00Z").toEpochMilli();
    private final AtomicInteger expiries = new AtomicInteger();
    private TopologyHarness t;

    @BeforeEach
    void start() {
        t = new TopologyHarness(new TopologyMetrics() {
            @Override
            public void recordProcessed(String input) {
            }

            @Override
            public void recordDropped(String input, String reason) {
            }

            @Override
            public void holdExpired() {
                expiries.incrementAndGet();
            }

            @Override
            public void published(boolean tombstone, long lagMs) {
            }
        });
        t.locations.pipeInput("loc1", location("loc1", "Main St Clinic", "Boston", "MA", "02110", 42.35, -71.06));
        t.roles.pipeInput("role1", role("role1", "smith", "loc1", "394802001"));
        t.schedules.pipeInput("sch1", schedule("sch1", List.of("Location/loc1", "PractitionerRole/role1"), "124", 1));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void slotAndScheduleChangesCrossNoRepartitionTopic() {
        StreamsBuilder builder = new StreamsBuilder();
        new AvailabilityTopology(Duration.ofSeconds(1), Duration.ZERO, TopologyMetrics.NONE,
                TopologyHarness.serde(Topics.REFERENCE_AVAILABILITY))
                .build(AvailabilityTopology.sources(builder, TopologyHarness::serde));
        Set<String> repartitionTopics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : builder.build().describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    source.topicSet().stream().filter(name -> name.endsWith("-repartition")).forEach(repartitionTopics::add);
                }
            }
        }
        // a slot change or booking event crosses none: the Schedule join is local to the slot partition
        assertThat(repartitionTopics).containsExactly("reference-broadcast-repartition",
                "schedule-context-broadcast-repartition", "slot-retirements-repartition");
    }

    @Test
    void publishesSlotWithScheduleDenormalisedReferenceData() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));

        List<KeyValue<String, SlotAvailability>> out = t.drain();
        assertThat(out).hasSize(1);
        SlotAvailability a = out.get(0).value;
        assertThat(out.get(0).key).isEqualTo("s1");
        assertThat(a.getSlotId()).isEqualTo("s1");
        assertThat(a.getSourceStatus()).isEqualTo(SlotStatus.FREE);
        assertThat(a.getEffectiveStatus()).isEqualTo(SlotStatus.FREE);
        assertThat(a.getScheduleId()).isEqualTo("sch1");
        assertThat(a.getStart().toEpochMilli()).isEqualTo(START);
        assertThat(a.getStartOffsetSeconds()).isEqualTo(-14400);
        assertThat(a.getLocationIds()).containsExactly("loc1");
        assertThat(a.getPractitionerRoleIds()).containsExactly("role1");
        assertThat(a.getStates()).containsExactly("MA");
        assertThat(a.getTimeZone()).isEqualTo("America/New_York");
        assertThat(a.getPositions()).singleElement().satisfies(p -> assertThat(p.getLatitude()).isEqualTo(42.35));
        assertThat(a.getSpecialty()).extracting(Coding::getCode).containsExactly("394802001");
        assertThat(a.getServiceType()).singleElement()
                .satisfies(c -> assertThat(c.getCoding().get(0).getCode()).isEqualTo("124"));
        assertThat(a.getActors()).extracting(r -> r.getDisplay()).containsExactly("Main St Clinic", "Dr. smith");
        assertThat(a.getBookingDeepLink()).isEqualTo("https://portal.example.org/book/s1");
        assertThat(a.getHoldId()).isNull();
        assertThat(a.getUpdatedAt().toEpochMilli()).isEqualTo(T0);
    }

    @Test
    void noSlotIsPublishedBeforeItsScheduleIsKnown() {
        t.slots.pipeInput("s1", slot("s1", "sch-later", SlotStatus.FREE, START, 10));
        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 60_000, 11));
        assertThat(t.drain()).isEmpty();

        t.schedules.pipeInput("sch-later", schedule("sch-later", List.of("Location/loc1"), "124", 12));

        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getScheduleId()).isEqualTo("sch-later");
            assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY_TENTATIVE);
        });
    }

    @Test
    void holdMakesAFreeSlotBusyTentativeUntilReleased() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.drain();

        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 300_000, 20));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY_TENTATIVE);
            assertThat(kv.value.getSourceStatus()).isEqualTo(SlotStatus.FREE);
            assertThat(kv.value.getHoldId()).isEqualTo("h1");
            assertThat(kv.value.getHoldExpiresAt().toEpochMilli()).isEqualTo(T0 + 300_000);
        });

        t.bookings.pipeInput("s1", release("e2", "s1", "h1", 30));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.FREE);
            assertThat(kv.value.getHoldId()).isNull();
        });
    }

    @Test
    void bookingMakesBusyAndCancellationReleasesToTheSourceStatus() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 300_000, 20));
        t.drain();

        t.bookings.pipeInput("s1", booked("e2", "s1", "appt-1", 30));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY);
            assertThat(kv.value.getAppointmentId()).isEqualTo("appt-1");
            assertThat(kv.value.getHoldId()).isNull();
        });

        // a hold cannot be placed on a booked slot
        t.bookings.pipeInput("s1", hold("e3", "s1", "h2", T0 + 300_000, 35));
        assertThat(t.drain()).isEmpty();

        t.bookings.pipeInput("s1", cancelled("e4", "s1", "appt-1", 40));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.FREE);
            assertThat(kv.value.getAppointmentId()).isNull();
        });
    }

    @Test
    void cancellationOfASlotTheSourceMarksUnavailableReleasesToThatStatus() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.bookings.pipeInput("s1", booked("e1", "s1", "appt-1", 20));
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.BUSY_UNAVAILABLE, START, 25));
        t.drain();

        t.bookings.pipeInput("s1", cancelled("e2", "s1", "appt-1", 30));

        assertThat(t.drain()).singleElement()
                .satisfies(kv -> assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY_UNAVAILABLE));
    }

    @Test
    void holdEndsOnlyWithTheDecisionPointsHoldExpired() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 30_000, 20));
        t.drain();

        // the view has no timer of its own: past the expiry, the slot stays held until HOLD_EXPIRED says otherwise
        t.driver.advanceWallClockTime(Duration.ofSeconds(60));
        assertThat(t.drain()).isEmpty();
        assertThat(expiries).hasValue(0);

        t.bookings.pipeInput("s1", expired("e2", "s1", "h1", T0 + 31_000));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("s1");
            assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.FREE);
            assertThat(kv.value.getHoldId()).isNull();
        });
        assertThat(expiries).hasValue(1);

        // a redelivered HOLD_EXPIRED changes nothing and is not counted twice
        t.bookings.pipeInput("s1", expired("e2", "s1", "h1", T0 + 31_000));
        assertThat(t.drain()).isEmpty();
        assertThat(expiries).hasValue(1);
    }

    @Test
    void holdExpiredForAReplacedHoldLeavesTheNewHold() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 30_000, 20));
        t.bookings.pipeInput("s1", release("e2", "s1", "h1", 21));
        t.bookings.pipeInput("s1", hold("e3", "s1", "h2", T0 + 120_000, 22));
        t.drain();

        t.bookings.pipeInput("s1", expired("e4", "s1", "h1", 23));

        assertThat(t.drain()).isEmpty();
        assertThat(expiries).hasValue(0);
    }

    @Test
    void sourceChangeDuringAHoldKeepsTheHold() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 300_000, 20));
        t.drain();

        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START + 60_000, 30));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getStart().toEpochMilli()).isEqualTo(START + 60_000);
            assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY_TENTATIVE);
            assertThat(kv.value.getHoldId()).isEqualTo("h1");
        });

        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.BUSY, START + 60_000, 40));
        assertThat(t.drain()).singleElement()
                .satisfies(kv -> assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY));

        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START + 60_000, 50));
        assertThat(t.drain()).singleElement()
                .satisfies(kv -> assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY_TENTATIVE));
    }

    @Test
    void deletedSlotIsTombstonedOnceAndUnpublishedDeletesAreSilent() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.drain();

        t.slots.pipeInput("s1", null);
        List<KeyValue<String, SlotAvailability>> out = t.drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("s1");
        assertThat(out.get(0).value).isNull();

        t.slots.pipeInput("s1", null);
        t.slots.pipeInput("never-seen", null);
        t.slots.pipeInput("s9", slot("s9", "unknown-schedule", SlotStatus.FREE, START, 10));
        t.slots.pipeInput("s9", null);
        assertThat(t.drain()).isEmpty();
    }

    @Test
    void deletedScheduleTombstonesItsSlotsOnly() {
        t.schedules.pipeInput("sch2", schedule("sch2", List.of("Location/loc1"), "124", 1));
        t.slots.pipeInput("a", slot("a", "sch1", SlotStatus.FREE, START, 10));
        t.slots.pipeInput("b", slot("b", "sch1", SlotStatus.BUSY, START + 900_000, 10));
        t.slots.pipeInput("c", slot("c", "sch2", SlotStatus.FREE, START, 10));
        assertThat(t.drain()).hasSize(3);

        t.schedules.pipeInput("sch1", null);

        List<KeyValue<String, SlotAvailability>> out = t.drain();
        assertThat(out).extracting(kv -> kv.key).containsExactlyInAnyOrder("a", "b");
        assertThat(out).allSatisfy(kv -> assertThat(kv.value).isNull());

        // the schedule coming back republishes its slots
        t.schedules.pipeInput("sch1", schedule("sch1", List.of("Location/loc1"), "124", 2));
        assertThat(t.drain()).extracting(kv -> kv.key).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void scheduleChangeReachesAllItsSlots() {
        t.slots.pipeInput("a", slot("a", "sch1", SlotStatus.FREE, START, 10));
        t.slots.pipeInput("b", slot("b", "sch1", SlotStatus.FREE, START + 900_000, 10));
        t.drain();

        t.schedules.pipeInput("sch1", schedule("sch1", List.of("Location/loc1"), "57", 5));

        List<KeyValue<String, SlotAvailability>> out = t.drain();
        assertThat(out).extracting(kv -> kv.key).containsExactlyInAnyOrder("a", "b");
        assertThat(out).allSatisfy(kv -> {
            assertThat(kv.value.getServiceType().get(0).getCoding().get(0).getCode()).isEqualTo("57");
            assertThat(kv.value.getPractitionerRoleIds()).isEmpty();
        });
    }

    @Test
    void aSlotMovedToAnotherScheduleFollowsOnlyTheNewSchedulesChanges() {
        t.schedules.pipeInput("sch2", schedule("sch2", List.of("Location/loc1"), "57", 1));
        t.slots.pipeInput("a", slot("a", "sch1", SlotStatus.FREE, START, 10));
        t.drain();

        t.slots.pipeInput("a", slot("a", "sch2", SlotStatus.FREE, START, 11));
        assertThat(t.drain()).singleElement().satisfies(kv ->
                assertThat(kv.value.getScheduleId()).isEqualTo("sch2"));

        t.schedules.pipeInput("sch1", schedule("sch1", List.of("Location/loc1"), "124", 5)); // no longer its Schedule
        assertThat(t.drain()).isEmpty();
        t.schedules.pipeInput("sch2", null);
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("a");
            assertThat(kv.value).isNull();
        });

        // moved to a Schedule not known yet: withdrawn until it arrives
        t.slots.pipeInput("b", slot("b", "sch1", SlotStatus.FREE, START, 12));
        t.drain();
        t.slots.pipeInput("b", slot("b", "sch3", SlotStatus.FREE, START, 13));
        assertThat(t.drain()).singleElement().satisfies(kv -> assertThat(kv.value).isNull());
        t.schedules.pipeInput("sch3", schedule("sch3", List.of("Location/loc1"), "124", 6));
        assertThat(t.drain()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("b");
            assertThat(kv.value.getScheduleId()).isEqualTo("sch3");
        });
    }

    @Test
    void outOfOrderBookingEventsDoNotUndoNewerStateAndSourceVersionsApplyInTopicOrder() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.drain();

        // the release (time 30) overtakes its hold (time 20): the late hold must not hold the slot
        t.bookings.pipeInput("s1", release("e2", "s1", "h1", 30));
        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 300_000, 20));
        assertThat(t.drain()).isEmpty();

        // the view is a pure fold of fhir.slot.v1: ingest-service decided this version is current, whatever its
        // provenance.eventTime says, so it is applied
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.BUSY, START, 5));
        assertThat(t.drain()).singleElement()
                .satisfies(kv -> assertThat(kv.value.getSourceStatus()).isEqualTo(SlotStatus.BUSY));

        // a booking, then an older hold arriving late: still busy, nothing emitted for the hold
        t.bookings.pipeInput("s1", booked("e4", "s1", "appt-9", 50));
        t.bookings.pipeInput("s1", hold("e3", "s1", "h3", T0 + 300_000, 40));
        assertThat(t.drain()).singleElement()
                .satisfies(kv -> assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY));
    }

    @Test
    void duplicatesAreIdempotent() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        assertThat(t.drain()).hasSize(1);

        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 300_000, 20));
        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 + 300_000, 20));
        assertThat(t.drain()).hasSize(1);

        t.bookings.pipeInput("s1", booked("e2", "s1", "appt-1", 30));
        t.bookings.pipeInput("s1", booked("e2", "s1", "appt-1", 30));
        assertThat(t.drain()).hasSize(1);
    }

    @Test
    void noOutputWhenNothingEffectiveChanged() {
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.drain();

        // same content re-ingested later (new provenance only)
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 11));
        // releasing a hold that is not the active one, cancelling a booking that does not exist
        t.bookings.pipeInput("s1", release("e1", "s1", "other-hold", 20));
        t.bookings.pipeInput("s1", cancelled("e2", "s1", "appt-x", 21));
        // a Schedule change that the published slot does not carry (comment)
        t.schedules.pipeInput("sch1", io.slotstream.avro.FhirSchedule.newBuilder(
                schedule("sch1", List.of("Location/loc1", "PractitionerRole/role1"), "124", 1))
                .setComment("new comment").build());

        assertThat(t.drain()).isEmpty();
    }

    @Test
    void replayOfAHoldAndItsExpiryGivesAFreeSlotWhateverTheWallClock() {
        // a rebuild from the topics: the hold's expiry is long past, the fold still follows the events
        t.slots.pipeInput("s1", slot("s1", "sch1", SlotStatus.FREE, START, 10));
        t.drain();

        t.bookings.pipeInput("s1", hold("e1", "s1", "h1", T0 - 1, 20));
        assertThat(t.drain()).singleElement()
                .satisfies(kv -> assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.BUSY_TENTATIVE));
        t.bookings.pipeInput("s1", expired("e2", "s1", "h1", 21));
        assertThat(t.drain()).singleElement()
                .satisfies(kv -> assertThat(kv.value.getEffectiveStatus()).isEqualTo(SlotStatus.FREE));
    }
}
