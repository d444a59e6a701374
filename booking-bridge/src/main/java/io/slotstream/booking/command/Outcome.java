package io.slotstream.booking.command;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;

/**
 * The decision on one booking request, as booking.events.v1 reported it.
 *
 * @param event the event that decides the request (for a reschedule: the BOOKED or REJECTED one)
 */
public record Outcome(BookingEvent event) {

    /** @return whether the request was accepted */
    public boolean accepted() {
        return event.getType() != BookingEventType.REJECTED;
    }

    /** @return the Appointment id the decision is about */
    public String appointmentId() {
        return event.getAppointmentId();
    }

    /** @return the rejection reason code, or null */
    public String reason() {
        return event.getReason();
    }

    /** @return the rejection reason text, or null */
    public String reasonText() {
        return event.getReasonText();
    }

    /** @return whether this event decides its request (a reschedule's CANCELLED events only accompany the decision) */
    static boolean decides(BookingEvent event) {
        return event.getRequestId() != null && !(event.getRequestType() == BookingRequestType.RESCHEDULE
                && event.getType() == BookingEventType.CANCELLED);
    }
}
