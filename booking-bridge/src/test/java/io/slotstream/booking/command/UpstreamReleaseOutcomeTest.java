package io.slotstream.booking.command;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision on the RELEASE that ends the hold of a booking its upstream EHR refused (or never answered) answers
 * that booking on every instance, as read from booking.events.v1.
 */
class UpstreamReleaseOutcomeTest {

    static BookingEvent release(String requestId, BookingEventType type, BookingRequestType requestType) {
        return BookingEvent.newBuilder().setEventId(requestId + ":" + type).setSlotId("acme.s1").setType(type)
                .setAppointmentId("appt-1").setEventTime(Instant.now()).setSource("booking-bridge")
                .setRequestId(requestId).setRequestType(requestType).setScheduleId("acme.sched")
                .setSlotIds(List.of("acme.s1")).setPatientReference("Patient/p1")
                .setComment("the EHR refused the booking (409): slot already booked in the EHR").build();
    }

    @Test
    void theReleaseOfARefusedBookingAnswersTheBookingWithTheEhrsReason() {
        Outcomes outcomes = new Outcomes();

        outcomes.accept(release(Outcome.upstreamReleaseId("book-1", Outcome.UPSTREAM_REFUSED),
                BookingEventType.HOLD_RELEASED, BookingRequestType.RELEASE));

        assertThat(outcomes.known("book-1")).hasValueSatisfying(o -> {
            assertThat(o.accepted()).isFalse();
            assertThat(o.reason()).isEqualTo("upstream-refused");
            assertThat(o.reasonText()).isEqualTo("the EHR refused the booking (409): slot already booked in the EHR");
            assertThat(o.appointmentId()).isEqualTo("appt-1");
            assertThat(o.event().getRequestType()).isEqualTo(BookingRequestType.BOOK);
            assertThat(o.event().getPatientReference()).isEqualTo("Patient/p1");
        });
    }

    @Test
    void aReleaseRejectedBecauseTheHoldHadEndedStillAnswersTheBooking() {
        Outcomes outcomes = new Outcomes();

        outcomes.accept(release(Outcome.upstreamReleaseId("book-2", Outcome.UPSTREAM_NO_ANSWER),
                BookingEventType.REJECTED, BookingRequestType.RELEASE));

        assertThat(outcomes.known("book-2")).hasValueSatisfying(o -> assertThat(o.reason()).isEqualTo("upstream-no-answer"));
    }

    @Test
    void theRejectedReleaseRecordingARefusedCancelAnswersTheCancelOnAnotherInstance() {
        Outcomes otherInstance = new Outcomes(); // it neither took the call nor retried it: it reads the decision only
        String text = "the EHR refused the cancellation (409): slot already booked in the EHR";
        // the decision point's answer to RELEASE of a booked Appointment: REJECTED not-held, nothing changed
        BookingEvent decision = BookingEvent.newBuilder(release(Outcome.upstreamReleaseId("cancel-1",
                        Outcome.UPSTREAM_REFUSED), BookingEventType.REJECTED, BookingRequestType.RELEASE))
                .setReason("not-held").setReasonText("the appointment is not held").setComment(text).build();

        otherInstance.accept(decision);

        assertThat(otherInstance.known("cancel-1")).hasValueSatisfying(o -> {
            assertThat(o.accepted()).isFalse();
            assertThat(o.reason()).isEqualTo("upstream-refused");
            assertThat(o.reasonText()).isEqualTo(text);
            assertThat(o.appointmentId()).isEqualTo("appt-1");
            assertThat(o.event().getPatientReference()).isEqualTo("Patient/p1");
            assertThat(o.event().getRequestType()).as("the decision does not say which call it was").isNull();
        });
    }

    @Test
    void otherReleasesAndCancelsAnswerOnlyTheirOwnRequest() {
        Outcomes outcomes = new Outcomes();

        outcomes.accept(release("book-3:release", BookingEventType.HOLD_RELEASED, BookingRequestType.RELEASE));
        outcomes.accept(release("book-4:" + Outcome.UPSTREAM_REFUSED, BookingEventType.CANCELLED, BookingRequestType.CANCEL));

        assertThat(outcomes.known("book-3")).isEmpty();
        assertThat(outcomes.known("book-4")).isEmpty();
        assertThat(outcomes.known("book-3:release")).isPresent();
    }
}
