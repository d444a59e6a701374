package io.slotstream.booking.appointment;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ITI-118 view folds decisions in any cross-partition order. */
class AppointmentViewTest {

    final AppointmentView view = new AppointmentView();

    static BookingEvent event(String slot, BookingEventType type, BookingRequestType request, String appointment,
                              long time, List<String> slots) {
        return BookingEvent.newBuilder().setEventId(slot + type + time).setSlotId(slot).setType(type)
                .setAppointmentId(appointment).setEventTime(Instant.ofEpochMilli(time)).setSource("test")
                .setRequestId("r" + time).setRequestType(request).setSlotIds(slots).setScheduleId("s.sched")
                .setPatientReference("Patient/p").setAppointmentStart(Instant.ofEpochMilli(1000))
                .setAppointmentEnd(Instant.ofEpochMilli(2000)).build();
    }

    @Test
    void holdThenBookThenCancelAndRejectionsCreateNothing() {
        view.apply(event("s.a", BookingEventType.REJECTED, BookingRequestType.HOLD, "x", 5, List.of("s.a")));
        assertThat(view.get("x")).isEmpty();

        view.apply(event("s.a", BookingEventType.HOLD_PLACED, BookingRequestType.HOLD, "a1", 10, List.of("s.a")));
        assertThat(view.get("a1")).hasValueSatisfying(a -> assertThat(a.status()).isEqualTo("pending"));
        view.apply(event("s.a", BookingEventType.BOOKED, BookingRequestType.BOOK, "a1", 20, List.of("s.a")));
        assertThat(view.get("a1")).hasValueSatisfying(a -> {
            assertThat(a.status()).isEqualTo("booked");
            assertThat(a.patient()).isEqualTo("Patient/p");
            assertThat(a.slotIds()).containsExactly("s.a");
        });
        view.apply(event("s.a", BookingEventType.CANCELLED, BookingRequestType.CANCEL, "a1", 30, List.of("s.a")));
        assertThat(view.get("a1")).hasValueSatisfying(a -> assertThat(a.status()).isEqualTo("cancelled"));
    }

    @Test
    void anOlderDecisionArrivingLateFromAnotherPartitionDoesNotRegress() {
        view.apply(event("s.b", BookingEventType.BOOKED, BookingRequestType.BOOK, "a1", 20, List.of("s.a", "s.b")));
        view.apply(event("s.a", BookingEventType.HOLD_PLACED, BookingRequestType.HOLD, "a1", 10, List.of("s.a", "s.b")));
        assertThat(view.get("a1")).hasValueSatisfying(a -> assertThat(a.status()).isEqualTo("booked"));
    }

    @Test
    void aModifyKeepingItsIdStaysBookedWhicheverEventComesFirst() {
        view.apply(event("s.a", BookingEventType.BOOKED, BookingRequestType.BOOK, "a1", 10, List.of("s.a")));
        // reschedule decided at t=20: BOOKED on the new slot arrives before CANCELLED of the old one
        view.apply(event("s.b", BookingEventType.BOOKED, BookingRequestType.RESCHEDULE, "a1", 20, List.of("s.b")));
        view.apply(event("s.a", BookingEventType.CANCELLED, BookingRequestType.RESCHEDULE, "a1", 20, List.of("s.a")));
        assertThat(view.get("a1")).hasValueSatisfying(a -> {
            assertThat(a.status()).isEqualTo("booked");
            assertThat(a.slotIds()).containsExactly("s.b");
        });
    }

    @Test
    void anExpiredHoldIsCancelledWithItsReason() {
        view.apply(event("s.a", BookingEventType.HOLD_PLACED, BookingRequestType.HOLD, "a1", 10, List.of("s.a")));
        view.apply(event("s.a", BookingEventType.HOLD_EXPIRED, null, "a1", 40, List.of("s.a")));
        assertThat(view.get("a1")).hasValueSatisfying(a -> {
            assertThat(a.status()).isEqualTo("cancelled");
            assertThat(a.statusReason()).isEqualTo("hold-expired");
        });
    }

    @Test
    void theDeepLinkReferralIsKeptAndRenderedAndAConflictIsShown() {
        view.apply(BookingEvent.newBuilder(event("s.a", BookingEventType.HOLD_PLACED, BookingRequestType.HOLD, "a1", 10,
                List.of("s.a"))).setBookingSource("agg.example").setBookingReferral("ref-1").setBookingState("st-9")
                .setReturnUrl("https://agg.example/back").build());
        // the booking from the hold names no referral: the hold's is kept
        view.apply(event("s.a", BookingEventType.BOOKED, BookingRequestType.BOOK, "a1", 20, List.of("s.a")));
        view.apply(BookingEvent.newBuilder(event("s.a", BookingEventType.CONFLICT, null, "a1", 30, List.of("s.a")))
                .setReason("source-busy").build());

        org.hl7.fhir.r4.model.Appointment a = new io.slotstream.booking.fhir.AppointmentRenderer()
                .stored(view.get("a1").orElseThrow());
        assertThat(a.getStatus().toCode()).isEqualTo("booked");
        assertThat(a.getExtensionByUrl(io.slotstream.booking.fhir.SchedulingFhir.BOOKING_SOURCE_EXTENSION).getValue()
                .primitiveValue()).isEqualTo("agg.example");
        assertThat(a.getExtensionByUrl(io.slotstream.booking.fhir.SchedulingFhir.BOOKING_REFERRAL_EXTENSION).getValue()
                .primitiveValue()).isEqualTo("ref-1");
        assertThat(a.getExtensionByUrl(io.slotstream.booking.fhir.SchedulingFhir.BOOKING_STATE_EXTENSION).getValue()
                .primitiveValue()).isEqualTo("st-9");
        assertThat(a.getExtensionByUrl(io.slotstream.booking.fhir.SchedulingFhir.RETURN_URL_EXTENSION).getValue()
                .primitiveValue()).isEqualTo("https://agg.example/back");
        assertThat(a.getExtensionByUrl(io.slotstream.booking.fhir.SchedulingFhir.CONFLICT_EXTENSION).getValue()
                .primitiveValue()).isEqualTo("true");
        assertThat(a.getExtensionByUrl(io.slotstream.booking.fhir.SchedulingFhir.STATUS_REASON).getValue())
                .isInstanceOfSatisfying(org.hl7.fhir.r4.model.CodeableConcept.class,
                        c -> assertThat(c.getCodingFirstRep().getCode()).isEqualTo("source-busy"));
    }
}
