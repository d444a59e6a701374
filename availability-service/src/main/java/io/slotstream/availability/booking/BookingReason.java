package io.slotstream.availability.booking;

/**
 * Why the decision point rejected a request or ended a hold: the {@code reason} code written on booking.events.v1
 * (stable, machine-readable) and a human-readable text. booking-bridge turns them into OperationOutcome issues.
 */
public enum BookingReason {
    NO_SLOTS("no-slots", "the request names no slot"),
    SLOT_UNKNOWN("slot-unknown", "the slot is not known (never published or deleted)"),
    SCHEDULE_MISMATCH("schedule-mismatch", "the slot does not belong to the request's Schedule"),
    SLOT_BUSY("slot-busy", "the source reports the slot as not free"),
    SLOT_HELD("slot-held", "the slot is held for another appointment"),
    SLOT_BOOKED("slot-booked", "the slot is already booked"),
    MIN_NOTICE("min-notice", "the slot starts sooner than the minimum notice allows"),
    HORIZON("beyond-horizon", "the slot starts beyond the booking horizon"),
    PATIENT_HAS_BOOKING("patient-has-booking", "the patient already has an active booking on this Schedule"),
    HOLD_EXPIRY_INVALID("hold-expiry-invalid", "the hold has no expiry or it has already passed"),
    APPOINTMENT_EXISTS("appointment-exists", "the appointment is already booked"),
    NOT_HELD("not-held", "the appointment is not held"),
    NOT_BOOKED("not-booked", "the appointment is not booked"),
    SOURCE_BUSY("source-busy", "the source made the slot busy (e.g. booked directly in the EHR)"),
    SOURCE_UNAVAILABLE("source-unavailable", "the source closed the slot (busy-unavailable, e.g. the provider is away)"),
    SLOT_DELETED("slot-deleted", "the source deleted the slot"),
    SLOT_RETIRED("slot-retired", "the slot has ended");

    private final String code;
    private final String text;

    BookingReason(String code, String text) {
        this.code = code;
        this.text = text;
    }

    /** @return the code written to BookingEvent.reason */
    public String code() {
        return code;
    }

    /** @return the human-readable explanation written to BookingEvent.reasonText */
    public String text() {
        return text;
    }
}
