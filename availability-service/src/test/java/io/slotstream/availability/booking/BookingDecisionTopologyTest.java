package io.slotstream.availability.booking;

import io.slotstream.schemas.booking.BookingRulebook;
import io.slotstream.schemas.booking.BookingRules;

import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.availability.store.BookingState;
import io.slotstream.availability.topology.BookingTransitions;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.slotstream.availability.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;

/** The booking decision point in a TopologyTestDriver: requests and source slots in, decisions out. */
class BookingDecisionTopologyTest {

    static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000;
    static final String SCHEDULE = "src.sched-1";

    static final Duration OUTCOME_RETENTION = Duration.ofHours(24);
    static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(2);
    final List<String> conflicts = new java.util.concurrent.CopyOnWriteArrayList<>();
    TopologyTestDriver driver;
    TestInputTopic<String, FhirSlot> slots;
    TestInputTopic<String, BookingRequest> requests;
    TestOutputTopic<String, BookingEvent> events;

    @BeforeEach
    void start() {
        start(new BookingRulebook(BookingRules.DEFAULT, Map.of("strict",
                new BookingRules(Duration.ofHours(24), Duration.ofDays(7), true))));
    }

    void start(BookingRulebook rulebook) {
        StreamsBuilder builder = new StreamsBuilder();
        new BookingDecisionTopology(rulebook, Duration.ofSeconds(1), OUTCOME_RETENTION, CLOCK_TOLERANCE, Duration.ofSeconds(1),
                Duration.ZERO, conflicts::add)
                .build(builder.stream(Topics.SLOT.name(), Consumed.with(Serdes.String(), new AvroBinarySerde<>(FhirSlot.class))),
                        builder.stream(Topics.BOOKING_REQUESTS.name(),
                                Consumed.with(Serdes.String(), new AvroBinarySerde<>(BookingRequest.class))))
                .to(Topics.BOOKING_EVENTS.name(), Produced.with(Serdes.String(), new AvroBinarySerde<>(BookingEvent.class)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "booking-ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("java.io.tmpdir"), "ttd-" + UUID.randomUUID()).toString());
        driver = new TopologyTestDriver(builder.build(), props, Instant.ofEpochMilli(T0));
        slots = driver.createInputTopic(Topics.SLOT.name(), Serdes.String().serializer(),
                new AvroBinarySerde<>(FhirSlot.class).serializer());
        requests = driver.createInputTopic(Topics.BOOKING_REQUESTS.name(), Serdes.String().serializer(),
                new AvroBinarySerde<>(BookingRequest.class).serializer());
        events = driver.createOutputTopic(Topics.BOOKING_EVENTS.name(), Serdes.String().deserializer(),
                new AvroBinarySerde<>(BookingEvent.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    void freeSlot(String id, long startMs) {
        slots.pipeInput(id, slot(id, SCHEDULE, SlotStatus.FREE, startMs, T0));
    }

    BookingRequest.Builder request(String requestId, BookingRequestType type, String appointmentId, String... slotIds) {
        return BookingRequest.newBuilder().setRequestId(requestId).setType(type).setScheduleId(SCHEDULE)
                .setAppointmentId(appointmentId).setSlotIds(List.of(slotIds)).setRequester("test")
                .setRequestTime(Instant.ofEpochMilli(T0))
                .setHoldExpiresAt(type == BookingRequestType.HOLD ? Instant.ofEpochMilli(T0 + 600_000) : null);
    }

    List<KeyValue<String, BookingEvent>> send(BookingRequest request) {
        requests.pipeInput(request.getScheduleId(), request);
        return events.readKeyValuesToList();
    }

    static List<BookingEventType> types(List<KeyValue<String, BookingEvent>> out) {
        return out.stream().map(kv -> kv.value.getType()).toList();
    }

    @Test
    void concurrentHoldsOnOneSlotGiveExactlyOneHold() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        List<KeyValue<String, BookingEvent>> first = send(request("r1", BookingRequestType.HOLD, "appt-1", "src.s1").build());
        List<KeyValue<String, BookingEvent>> second = send(request("r2", BookingRequestType.HOLD, "appt-2", "src.s1").build());

        assertThat(first).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("src.s1");
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_PLACED);
            assertThat(kv.value.getHoldExpiresAt()).isEqualTo(Instant.ofEpochMilli(T0 + 600_000));
            assertThat(kv.value.getRequestId()).isEqualTo("r1");
            assertThat(kv.value.getAppointmentStart()).isEqualTo(Instant.ofEpochMilli(T0 + 48 * HOUR));
        });
        assertThat(second).singleElement().satisfies(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
            assertThat(kv.value.getReason()).isEqualTo("slot-held");
            assertThat(kv.value.getAppointmentId()).isEqualTo("appt-2");
        });
    }

    @Test
    void holdBlocksOtherBookingsButItsOwnAppointmentBooksFromTheHold() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        send(request("r1", BookingRequestType.HOLD, "appt-1", "src.s1").build());

        assertThat(send(request("r2", BookingRequestType.BOOK, "appt-2", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-held"));
        // book by reference to the hold: no slot ids, the owner knows them
        List<KeyValue<String, BookingEvent>> booked = send(request("r3", BookingRequestType.BOOK, "appt-1").build());
        assertThat(booked).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("src.s1");
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.BOOKED);
            assertThat(kv.value.getSlotIds()).containsExactly("src.s1");
        });
        assertThat(send(request("r4", BookingRequestType.BOOK, "appt-2", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-booked"));
    }

    @Test
    void bookingASlotTheEhrMadeBusyIsRejected() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 1));

        assertThat(send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build()))
                .singleElement().satisfies(kv -> {
                    assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
                    assertThat(kv.value.getReason()).isEqualTo("slot-busy");
                    assertThat(kv.value.getReasonText()).contains("src.s1");
                });
    }

    @Test
    void theEhrMakingAHeldSlotBusyEndsTheHold() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        freeSlot("src.s2", T0 + 48 * HOUR + 900_000);
        send(request("r1", BookingRequestType.HOLD, "appt-1", "src.s1", "src.s2").build());

        slots.pipeInput("src.s2", slot("src.s2", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR + 900_000, T0 + 1));

        List<KeyValue<String, BookingEvent>> out = events.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key).containsExactly("src.s1", "src.s2");
        assertThat(out).allSatisfy(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_RELEASED);
            assertThat(kv.value.getReason()).isEqualTo("source-busy");
        });
        assertThat(send(request("r2", BookingRequestType.HOLD, "appt-2", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_PLACED));
    }

    @Test
    void holdsExpireWithAnEventAndFreeTheSlot() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        send(request("r1", BookingRequestType.HOLD, "appt-1", "src.s1").build());

        driver.advanceWallClockTime(Duration.ofMinutes(9));
        assertThat(events.readKeyValuesToList()).isEmpty();
        driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(1));

        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("src.s1");
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_EXPIRED);
            assertThat(kv.value.getAppointmentId()).isEqualTo("appt-1");
            assertThat(kv.value.getHoldId()).isEqualTo("appt-1");
        });
        // the expired hold no longer blocks; its appointment can no longer be booked by reference
        assertThat(types(send(request("r2", BookingRequestType.BOOK, "appt-1").build()))).containsExactly(BookingEventType.REJECTED);
        assertThat(types(send(request("r3", BookingRequestType.HOLD, "appt-2", "src.s1")
                .setHoldExpiresAt(Instant.ofEpochMilli(T0 + 20 * 60_000)).build())))
                .containsExactly(BookingEventType.HOLD_PLACED);
    }

    @Test
    void multiSlotAppointmentsAreAllOrNothing() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        freeSlot("src.s2", T0 + 48 * HOUR + 900_000);
        freeSlot("src.s3", T0 + 48 * HOUR + 1_800_000);
        send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s2").build());

        List<KeyValue<String, BookingEvent>> rejected = send(request("r2", BookingRequestType.BOOK, "appt-2",
                "src.s1", "src.s2", "src.s3").build());
        assertThat(rejected).extracting(kv -> kv.key).containsExactly("src.s1", "src.s2", "src.s3");
        assertThat(rejected).allSatisfy(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
            assertThat(kv.value.getReason()).isEqualTo("slot-booked");
            assertThat(kv.value.getReasonText()).contains("src.s2");
        });
        // s1 and s3 were not taken by the rejected request
        List<KeyValue<String, BookingEvent>> booked = send(request("r3", BookingRequestType.BOOK, "appt-3",
                "src.s3", "src.s1").build());
        assertThat(booked).extracting(kv -> kv.key).containsExactly("src.s3", "src.s1");
        assertThat(booked).allSatisfy(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.BOOKED);
            assertThat(kv.value.getAppointmentStart()).isEqualTo(Instant.ofEpochMilli(T0 + 48 * HOUR));
            assertThat(kv.value.getAppointmentEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 48 * HOUR + 2_700_000));
        });
    }

    @Test
    void aRetryWithTheSameRequestIdGetsTheSameOutcomeNeverASecondBooking() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        List<KeyValue<String, BookingEvent>> first = send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build());
        // the same request again (e.g. the caller timed out), then with a different appointment id under the same id
        List<KeyValue<String, BookingEvent>> retry = send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build());
        List<KeyValue<String, BookingEvent>> retryOther = send(request("r1", BookingRequestType.BOOK, "appt-9", "src.s1").build());

        assertThat(types(first)).containsExactly(BookingEventType.BOOKED);
        assertThat(retry).extracting(kv -> kv.value).isEqualTo(first.stream().map(kv -> kv.value).toList());
        assertThat(retryOther).extracting(kv -> kv.value.getAppointmentId()).containsExactly("appt-1");
        // a rejection is replayed the same way
        List<KeyValue<String, BookingEvent>> lost = send(request("r2", BookingRequestType.BOOK, "appt-2", "src.s1").build());
        assertThat(send(request("r2", BookingRequestType.BOOK, "appt-2", "src.s1").build()))
                .extracting(kv -> kv.value).isEqualTo(lost.stream().map(kv -> kv.value).toList());
    }

    @Test
    void rescheduleKeepsTheOldAppointmentWhenTheNewSlotIsLost() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        freeSlot("src.s2", T0 + 72 * HOUR);
        freeSlot("src.s3", T0 + 96 * HOUR);
        send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build());
        send(request("r2", BookingRequestType.BOOK, "appt-2", "src.s2").build());

        List<KeyValue<String, BookingEvent>> lost = send(request("r3", BookingRequestType.RESCHEDULE, "appt-1b", "src.s2")
                .setReplacesAppointmentId("appt-1").build());
        assertThat(lost).singleElement().satisfies(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
            assertThat(kv.value.getReason()).isEqualTo("slot-booked");
        });
        // appt-1 still holds s1: another booking of s1 fails
        assertThat(send(request("r4", BookingRequestType.BOOK, "appt-x", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-booked"));

        List<KeyValue<String, BookingEvent>> moved = send(request("r5", BookingRequestType.RESCHEDULE, "appt-1b", "src.s3")
                .setReplacesAppointmentId("appt-1").build());
        assertThat(moved).extracting(kv -> kv.key + " " + kv.value.getType() + " " + kv.value.getAppointmentId())
                .containsExactly("src.s1 CANCELLED appt-1", "src.s3 BOOKED appt-1b");
        assertThat(moved.get(1).value.getReplacedAppointmentId()).isEqualTo("appt-1");
        assertThat(types(send(request("r6", BookingRequestType.BOOK, "appt-y", "src.s1").build())))
                .containsExactly(BookingEventType.BOOKED);
    }

    @Test
    void cancelFreesTheSlotAndReleaseEndsAHold() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        freeSlot("src.s2", T0 + 49 * HOUR);
        send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build());
        send(request("r2", BookingRequestType.HOLD, "appt-2", "src.s2").build());

        assertThat(types(send(request("r3", BookingRequestType.CANCEL, "appt-1").build())))
                .containsExactly(BookingEventType.CANCELLED);
        assertThat(types(send(request("r4", BookingRequestType.RELEASE, "appt-2").build())))
                .containsExactly(BookingEventType.HOLD_RELEASED);
        assertThat(send(request("r5", BookingRequestType.CANCEL, "appt-1").build())).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("appt-1"); // no slot named, none known: keyed by the appointment
            assertThat(kv.value.getReason()).isEqualTo("not-booked");
        });
        assertThat(types(send(request("r6", BookingRequestType.BOOK, "appt-3", "src.s1", "src.s2").build())))
                .containsExactly(BookingEventType.BOOKED, BookingEventType.BOOKED);
    }

    /**
     * booking-bridge records a cancel or modify its upstream EHR refused as a RELEASE {@code <call>:upstream-refused} of
     * the booked Appointment, so that every instance reads the refusal: it must be rejected and change nothing.
     */
    @Test
    void releasingABookedAppointmentIsRejectedAndLeavesItBooked() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build());

        assertThat(send(request("r2:upstream-refused", BookingRequestType.RELEASE, "appt-1")
                .setComment("the EHR refused the cancellation (409)").build())).singleElement().satisfies(kv -> {
                    assertThat(kv.key).isEqualTo("src.s1");
                    assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
                    assertThat(kv.value.getReason()).isEqualTo("not-held");
                    assertThat(kv.value.getRequestId()).isEqualTo("r2:upstream-refused");
                    assertThat(kv.value.getComment()).isEqualTo("the EHR refused the cancellation (409)");
                });
        // still booked by appt-1: another appointment cannot have the slot, and appt-1 can be cancelled
        assertThat(send(request("r3", BookingRequestType.BOOK, "appt-2", "src.s1").build())).singleElement()
                .satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-booked"));
        assertThat(types(send(request("r4", BookingRequestType.CANCEL, "appt-1").build())))
                .containsExactly(BookingEventType.CANCELLED);
    }

    @Test
    void providerRulesMinimumNoticeHorizonAndOneBookingPerPatient() {
        String strict = "strict.sched-9";
        slots.pipeInput("strict.a", slot("strict.a", strict, SlotStatus.FREE, T0 + 2 * HOUR, T0));
        slots.pipeInput("strict.b", slot("strict.b", strict, SlotStatus.FREE, T0 + 30 * 24 * HOUR, T0));
        slots.pipeInput("strict.c", slot("strict.c", strict, SlotStatus.FREE, T0 + 48 * HOUR, T0));
        slots.pipeInput("strict.d", slot("strict.d", strict, SlotStatus.FREE, T0 + 50 * HOUR, T0));

        assertThat(send(request("r1", BookingRequestType.BOOK, "a1", "strict.a").setScheduleId(strict).build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("min-notice"));
        assertThat(send(request("r2", BookingRequestType.BOOK, "a2", "strict.b").setScheduleId(strict).build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("beyond-horizon"));
        assertThat(types(send(request("r3", BookingRequestType.BOOK, "a3", "strict.c").setScheduleId(strict)
                .setPatientReference("Patient/p1").build()))).containsExactly(BookingEventType.BOOKED);
        assertThat(send(request("r4", BookingRequestType.BOOK, "a4", "strict.d").setScheduleId(strict)
                .setPatientReference("Patient/p1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("patient-has-booking"));
        // the default rules (source "src") allow a second booking of the same patient
        freeSlot("src.s1", T0 + HOUR);
        freeSlot("src.s2", T0 + 2 * HOUR);
        assertThat(types(send(request("r5", BookingRequestType.BOOK, "b1", "src.s1").setPatientReference("Patient/p1").build())))
                .containsExactly(BookingEventType.BOOKED);
        assertThat(types(send(request("r6", BookingRequestType.BOOK, "b2", "src.s2").setPatientReference("Patient/p1").build())))
                .containsExactly(BookingEventType.BOOKED);
    }

    @Test
    void thePatientsDetailsTravelOnTheBookingAndNeverOnARejection() {
        freeSlot("src.s1", T0 + HOUR);
        String details = "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"Ada Okafor\"}]}";
        assertThat(send(request("r1", BookingRequestType.BOOK, "a1", "src.s1").setPatientReference("urn:x|1")
                .setPatientResource(details).build())).singleElement().satisfies(kv -> {
                    assertThat(kv.value.getType()).isEqualTo(BookingEventType.BOOKED);
                    assertThat(kv.value.getPatientResource()).isEqualTo(details);
                });
        assertThat(send(request("r2", BookingRequestType.BOOK, "a2", "src.s1").setPatientReference("urn:x|2")
                .setPatientResource(details).build())).singleElement().satisfies(kv -> {
                    assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
                    assertThat(kv.value.getPatientResource()).isNull();
                });
    }

    @Test
    void unknownSlotsAndSlotsOfAnotherScheduleAreRejected() {
        slots.pipeInput("src.other", slot("src.other", "src.sched-2", SlotStatus.FREE, T0 + 48 * HOUR, T0));
        assertThat(send(request("r1", BookingRequestType.HOLD, "a1", "src.nope").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-unknown"));
        assertThat(send(request("r2", BookingRequestType.HOLD, "a2", "src.other").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("schedule-mismatch"));
        // a slot that moves to this Schedule becomes bookable here and unknown to its old one
        slots.pipeInput("src.other", slot("src.other", SCHEDULE, SlotStatus.FREE, T0 + 48 * HOUR, T0 + 1));
        assertThat(types(send(request("r3", BookingRequestType.HOLD, "a3", "src.other").build())))
                .containsExactly(BookingEventType.HOLD_PLACED);
        // (one task here: the old owner shares the ledger and sees the move; on another partition it is unknown)
        assertThat(send(request("r4", BookingRequestType.HOLD, "a4", "src.other").setScheduleId("src.sched-2").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isIn("schedule-mismatch", "slot-unknown"));
    }

    @Test
    void deletingABookedSlotIsFlaggedAsAConflict() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").setPatientReference("Patient/p").build());
        slots.pipeInput("src.s1", (FhirSlot) null);
        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.CONFLICT);
            assertThat(kv.value.getReason()).isEqualTo("slot-deleted");
            assertThat(kv.value.getAppointmentId()).isEqualTo("appt-1");
        });
    }

    @Test
    void theEhrBookingABookedSlotBeforeOurBookingIsFlaggedAsAConflictOnceAndTheBookingStays() {
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.FREE, T0 + 48 * HOUR, T0 - HOUR));
        send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").setPatientReference("Patient/p").build());

        // the EHR booked the slot itself 5 s before our decision (beyond the 2 s clock tolerance); its change arrives late
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 - 5_000));
        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("src.s1");
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.CONFLICT);
            assertThat(kv.value.getReason()).isEqualTo("source-busy");
            assertThat(kv.value.getReasonText()).contains("EHR");
            assertThat(kv.value.getAppointmentId()).isEqualTo("appt-1");
            assertThat(kv.value.getPatientReference()).isEqualTo("Patient/p");
        });
        assertThat(conflicts).containsExactly("source-busy");

        // a further source update of the still-busy slot is no new conflict
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 2));
        assertThat(events.readKeyValuesToList()).isEmpty();
        assertThat(conflicts).hasSize(1);
        // the booking is flagged, not dropped: it can still be cancelled, nobody else can take the slot
        assertThat(send(request("r2", BookingRequestType.BOOK, "appt-2", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-booked"));
        assertThat(types(send(request("r3", BookingRequestType.CANCEL, "appt-1").build())))
                .containsExactly(BookingEventType.CANCELLED);
    }

    @Test
    void theEhrsEchoOfOurOwnBookingIsNoConflict() {
        // system of record (appointment.v1): booked directly at T0, the EHR marks the slot busy 3 s later
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.FREE, T0 + 48 * HOUR, T0 - HOUR));
        assertThat(types(send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build())))
                .containsExactly(BookingEventType.BOOKED);
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 3_000));
        assertThat(events.readKeyValuesToList()).isEmpty();

        // upstream EHR: held at T0, the EHR accepts the forward (and marks the slot busy, its clock 1 s behind ours)
        // before the BOOK is decided 10 s later; the echo arrives after the booking
        slots.pipeInput("src.s2", slot("src.s2", SCHEDULE, SlotStatus.FREE, T0 + 49 * HOUR, T0 - HOUR));
        assertThat(types(send(request("r2", BookingRequestType.HOLD, "appt-2", "src.s2").build())))
                .containsExactly(BookingEventType.HOLD_PLACED);
        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(types(send(request("r3", BookingRequestType.BOOK, "appt-2").build())))
                .containsExactly(BookingEventType.BOOKED);
        slots.pipeInput("src.s2", slot("src.s2", SCHEDULE, SlotStatus.BUSY, T0 + 49 * HOUR, T0 - 1_000));
        assertThat(events.readKeyValuesToList()).isEmpty();
        assertThat(conflicts).isEmpty();

        // the slot stays ours: nobody else gets it, and a later close of the time by the source is a conflict
        assertThat(send(request("r4", BookingRequestType.HOLD, "appt-3", "src.s2").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-booked"));
        slots.pipeInput("src.s2", slot("src.s2", SCHEDULE, SlotStatus.BUSY_UNAVAILABLE, T0 + 49 * HOUR, T0 + 20_000));
        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.CONFLICT);
            assertThat(kv.value.getReason()).isEqualTo("source-unavailable");
            assertThat(kv.value.getAppointmentId()).isEqualTo("appt-2");
        });
        assertThat(conflicts).containsExactly("source-unavailable");
    }

    @Test
    void bookVersusEhrBusyWhicheverComesFirstDecides() {
        // the EHR's busy arrives first: the booking is rejected; Slotstream's booking first: the EHR's busy is a conflict
        freeSlot("src.s1", T0 + 48 * HOUR);
        freeSlot("src.s2", T0 + 49 * HOUR);
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 1));
        assertThat(send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-busy"));
        assertThat(types(send(request("r2", BookingRequestType.BOOK, "appt-2", "src.s2").build())))
                .containsExactly(BookingEventType.BOOKED);
        slots.pipeInput("src.s2", slot("src.s2", SCHEDULE, SlotStatus.BUSY, T0 + 49 * HOUR, T0 - 60_000));
        assertThat(types(events.readKeyValuesToList())).containsExactly(BookingEventType.CONFLICT);
        assertThat(conflicts).containsExactly("source-busy");
    }

    @Test
    void retiredSlotsLeaveTheDecisionPointAndEndTheirHoldsAndBookings() {
        KeyValueStore<String, SlotLedger> ledgers = driver.getKeyValueStore(BookingStores.SLOTS);
        KeyValueStore<String, AppointmentLedger> appointments = driver.getKeyValueStore(BookingStores.APPOINTMENTS);
        // slots of 15 minutes starting 20 and 40 minutes from now
        freeSlot("src.s1", T0 + 20 * 60_000);
        freeSlot("src.s2", T0 + 40 * 60_000);
        send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").setPatientReference("Patient/p").build());
        send(request("r2", BookingRequestType.HOLD, "appt-2", "src.s2")
                .setHoldExpiresAt(Instant.ofEpochMilli(T0 + 3 * HOUR)).build());
        assertThat(ledgers.get("src.s1")).isNotNull();

        driver.advanceWallClockTime(Duration.ofMinutes(36)); // s1 ended (T0+35 min), s2 not yet
        assertThat(events.readKeyValuesToList()).isEmpty(); // the booking took place: nothing to say
        assertThat(ledgers.get("src.s1")).isNull();
        assertThat(appointments.get("appt-1")).isNull();
        assertThat(ledgers.get("src.s2")).isNotNull();

        driver.advanceWallClockTime(Duration.ofMinutes(20)); // s2 ended while held
        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("src.s2");
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_EXPIRED);
            assertThat(kv.value.getReason()).isEqualTo("slot-retired");
        });
        assertThat(ledgers.get("src.s2")).isNull();
        assertThat(appointments.get("appt-2")).isNull();
        try (var all = ledgers.all()) {
            assertThat(all.hasNext()).isFalse();
        }
        // a slot arriving already ended is never known
        freeSlot("src.s3", T0 - HOUR);
        assertThat(ledgers.get("src.s3")).isNull();
    }

    @Test
    void theSlotEndIndexIsWrittenOnlyWhenASlotsEndChanges() {
        KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> ends = driver.getKeyValueStore(BookingStores.SLOT_END_INDEX);
        var changelog = driver.createOutputTopic("booking-ttd-" + BookingStores.SLOT_END_INDEX + "-changelog",
                Serdes.Bytes().deserializer(), Serdes.ByteArray().deserializer());
        freeSlot("src.s1", T0 + 48 * HOUR);
        assertThat(changelog.readRecordsToList()).hasSize(1);
        // status changes keep the end: no delete and put of the same entry
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 1));
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.FREE, T0 + 48 * HOUR, T0 + 2));
        assertThat(changelog.readRecordsToList()).isEmpty();
        assertThat(endIndexIds(ends)).containsExactly("src.s1");
        // a moved end replaces the entry, and the slot retires at its new end only
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.FREE, T0 + 20 * 60_000, T0 + 3));
        assertThat(changelog.readRecordsToList()).hasSize(2);
        assertThat(endIndexIds(ends)).containsExactly("src.s1");
        driver.advanceWallClockTime(Duration.ofMinutes(36));
        assertThat(driver.<String, SlotLedger>getKeyValueStore(BookingStores.SLOTS).get("src.s1")).isNull();
        assertThat(endIndexIds(ends)).isEmpty();
    }

    private static List<String> endIndexIds(KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> ends) {
        List<String> ids = new java.util.ArrayList<>();
        try (var it = ends.all()) {
            it.forEachRemaining(kv -> ids.add(io.slotstream.availability.store.ExpiryIndex.slotIdOf(kv.key)));
        }
        return ids;
    }

    @Test
    void requestOutcomesAreForgottenAfterTheirRetention() {
        KeyValueStore<String, List<BookingEvent>> outcomes = driver.getKeyValueStore(BookingStores.OUTCOMES);
        freeSlot("src.s1", T0 + 48 * HOUR);
        List<KeyValue<String, BookingEvent>> first = send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build());

        driver.advanceWallClockTime(OUTCOME_RETENTION.minusMinutes(1));
        assertThat(send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build())).isEqualTo(first);
        assertThat(outcomes.get("r1")).isNotNull();

        driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertThat(outcomes.get("r1")).isNull();
        // past the idempotency window the same request id is decided anew (here: the appointment is already booked)
        assertThat(send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("appointment-exists"));
    }

    /** A HOLD as booking-bridge writes it before sending the booking to the source's upstream EHR. */
    BookingRequest.Builder forwardedHold(String requestId, String appointmentId, String... slotIds) {
        return request(requestId, BookingRequestType.HOLD, appointmentId, slotIds).setUpstreamPending(true);
    }

    static BookingState fold(List<KeyValue<String, BookingEvent>> out, String slotId) {
        BookingState state = BookingState.NONE;
        for (KeyValue<String, BookingEvent> kv : out) {
            if (kv.key.equals(slotId)) {
                state = BookingTransitions.apply(state, kv.value);
            }
        }
        return state;
    }

    @Test
    void theEhrsEchoOvertakingTheBookOfAForwardedHoldKeepsTheHoldAndTheBookIsAccepted() {
        KeyValueStore<String, SlotLedger> ledgers = driver.getKeyValueStore(BookingStores.SLOTS);
        List<KeyValue<String, BookingEvent>> all = new java.util.ArrayList<>();
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.FREE, T0 + 48 * HOUR, T0 - HOUR));
        all.addAll(send(forwardedHold("req-1:hold", "appt-1", "src.s1").build()));
        assertThat(types(all)).containsExactly(BookingEventType.HOLD_PLACED);

        // the EHR accepts the conditional create 1.5 s later and marks the Slot busy; ingest's echo is decided first
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 1_500));
        assertThat(events.readKeyValuesToList()).as("the echo ends nothing").isEmpty();
        // meanwhile nobody else gets the slot
        assertThat(send(request("r-other", BookingRequestType.BOOK, "appt-2", "src.s1").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-held"));

        // the BOOK booking-bridge writes once the EHR accepted
        List<KeyValue<String, BookingEvent>> booked = send(request("req-1", BookingRequestType.BOOK, "appt-1").build());
        all.addAll(booked);
        assertThat(booked).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("src.s1");
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.BOOKED);
            assertThat(kv.value.getAppointmentId()).isEqualTo("appt-1");
            assertThat(kv.value.getRequestId()).isEqualTo("req-1");
        });
        // ingest sends the echo again (a re-poll): still no conflict
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 1_500));
        assertThat(events.readKeyValuesToList()).isEmpty();
        assertThat(types(all)).doesNotContain(BookingEventType.CONFLICT, BookingEventType.HOLD_RELEASED,
                BookingEventType.REJECTED);
        assertThat(conflicts).isEmpty();

        // the slot ends busy at the source and booked by our appointment, at the decision point and in the view
        assertThat(ledgers.get("src.s1")).satisfies(l -> {
            assertThat(l.fact().status()).isEqualTo(SlotStatus.BUSY);
            assertThat(l.bookedAppointmentId()).isEqualTo("appt-1");
            assertThat(l.holdAppointmentId()).isNull();
        });
        assertThat(fold(all, "src.s1")).satisfies(state -> {
            assertThat(state.booked()).isTrue();
            assertThat(state.appointmentId()).isEqualTo("appt-1");
            assertThat(state.held()).isFalse();
        });
        // and the hold's expiry no longer matters
        driver.advanceWallClockTime(Duration.ofMinutes(11));
        assertThat(events.readKeyValuesToList()).isEmpty();
    }

    @Test
    void aHeldAppointmentMarkedAsForwardedKeepsItsHoldThroughTheEchoOnEverySlot() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        freeSlot("src.s2", T0 + 48 * HOUR + 900_000);
        // ITI-116 $hold first (not forwarded), then $book by reference marks the hold before the EHR is called
        send(request("r1", BookingRequestType.HOLD, "appt-1", "src.s1", "src.s2").build());
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        List<KeyValue<String, BookingEvent>> marked = send(request("r2:hold", BookingRequestType.HOLD, "appt-1")
                .setHoldExpiresAt(null).setUpstreamPending(true).build());
        assertThat(marked).extracting(kv -> kv.key).containsExactly("src.s1", "src.s2");
        assertThat(marked).allSatisfy(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_PLACED);
            assertThat(kv.value.getHoldExpiresAt()).as("the hold keeps its expiry").isEqualTo(Instant.ofEpochMilli(T0 + 600_000));
        });

        slots.pipeInput("src.s2", slot("src.s2", SCHEDULE, SlotStatus.BUSY_TENTATIVE, T0 + 48 * HOUR + 900_000, T0 + 61_000));
        assertThat(events.readKeyValuesToList()).isEmpty();

        List<KeyValue<String, BookingEvent>> booked = send(request("r2", BookingRequestType.BOOK, "appt-1").build());
        assertThat(booked).extracting(kv -> kv.key).containsExactly("src.s1", "src.s2");
        assertThat(types(booked)).containsOnly(BookingEventType.BOOKED);
        assertThat(conflicts).isEmpty();

        // marking an appointment that holds nothing is rejected
        assertThat(send(request("r3:hold", BookingRequestType.HOLD, "appt-9").setUpstreamPending(true).build()))
                .singleElement().satisfies(kv -> {
                    assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
                    assertThat(kv.value.getReason()).isEqualTo("not-held");
                });
    }

    @Test
    void aSourceBusyOnAHoldThatWasNotForwardedStillEndsTheHoldAndTheBookIsRejected() {
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.FREE, T0 + 48 * HOUR, T0 - HOUR));
        send(request("r1:hold", BookingRequestType.HOLD, "appt-1", "src.s1").build());
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 1_500));
        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_RELEASED);
            assertThat(kv.value.getReason()).isEqualTo("source-busy");
        });
        assertThat(send(request("r1", BookingRequestType.BOOK, "appt-1", "src.s1").build()))
                .singleElement().satisfies(kv -> {
                    assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED);
                    assertThat(kv.value.getReason()).isEqualTo("slot-busy");
                });
    }

    @Test
    void aForwardedHoldStillEndsWhenTheSourceChangeIsNoEchoAndWhenTheEhrRefusesOrNeverAnswers() {
        freeSlot("src.s1", T0 + 48 * HOUR);
        freeSlot("src.s2", T0 + 49 * HOUR);
        freeSlot("src.s3", T0 + 50 * HOUR);
        freeSlot("src.s4", T0 + 51 * HOUR);
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        send(forwardedHold("h1", "appt-1", "src.s1").build());
        send(forwardedHold("h2", "appt-2", "src.s2").build());
        send(forwardedHold("h3", "appt-3", "src.s3").build());
        send(forwardedHold("h4", "appt-4", "src.s4").setHoldExpiresAt(Instant.ofEpochMilli(T0 + 5 * 60_000)).build());

        // booked in the EHR before our hold (beyond the clock tolerance): someone else's booking
        slots.pipeInput("src.s1", slot("src.s1", SCHEDULE, SlotStatus.BUSY, T0 + 48 * HOUR, T0 + 60_000 - 2_001));
        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_RELEASED);
            assertThat(kv.value.getReason()).isEqualTo("source-busy");
        });
        // the source closed the time: no booking of ours does that
        slots.pipeInput("src.s2", slot("src.s2", SCHEDULE, SlotStatus.BUSY_UNAVAILABLE, T0 + 49 * HOUR, T0 + 61_000));
        assertThat(types(events.readKeyValuesToList())).containsExactly(BookingEventType.HOLD_RELEASED);
        // an echo kept, then closed: ends too
        slots.pipeInput("src.s3", slot("src.s3", SCHEDULE, SlotStatus.BUSY, T0 + 50 * HOUR, T0 + 61_000));
        assertThat(events.readKeyValuesToList()).isEmpty();
        slots.pipeInput("src.s3", slot("src.s3", SCHEDULE, SlotStatus.BUSY_UNAVAILABLE, T0 + 50 * HOUR, T0 + 62_000));
        assertThat(types(events.readKeyValuesToList())).containsExactly(BookingEventType.HOLD_RELEASED);
        assertThat(send(request("b3", BookingRequestType.BOOK, "appt-3").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED));

        // the EHR refused after the echo kept the hold: booking-bridge releases it; the slot stays the source's busy
        slots.pipeInput("src.s4", slot("src.s4", SCHEDULE, SlotStatus.BUSY, T0 + 51 * HOUR, T0 + 61_000));
        assertThat(events.readKeyValuesToList()).isEmpty();
        assertThat(types(send(request("r4", BookingRequestType.RELEASE, "appt-4").build())))
                .containsExactly(BookingEventType.HOLD_RELEASED);
        assertThat(send(request("r5", BookingRequestType.BOOK, "appt-5", "src.s4").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getReason()).isEqualTo("slot-busy"));

        // a kept hold still lapses at its own expiry when no BOOK comes
        freeSlot("src.s5", T0 + 52 * HOUR);
        send(forwardedHold("h6", "appt-6", "src.s5").setHoldExpiresAt(Instant.ofEpochMilli(T0 + 5 * 60_000)).build());
        slots.pipeInput("src.s5", slot("src.s5", SCHEDULE, SlotStatus.BUSY, T0 + 52 * HOUR, T0 + 61_000));
        assertThat(events.readKeyValuesToList()).isEmpty();
        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(events.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("src.s5");
            assertThat(kv.value.getType()).isEqualTo(BookingEventType.HOLD_EXPIRED);
        });
        assertThat(send(request("b6", BookingRequestType.BOOK, "appt-6").build()))
                .singleElement().satisfies(kv -> assertThat(kv.value.getType()).isEqualTo(BookingEventType.REJECTED));
        assertThat(conflicts).isEmpty();
    }
}
