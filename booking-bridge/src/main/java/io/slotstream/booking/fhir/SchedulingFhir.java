package io.slotstream.booking.fhir;

/** Canonical URLs booking-bridge's FHIR API uses (IHE ITI Scheduling 1.0.0 and Slotstream's own). */
public final class SchedulingFhir {

    public static final String APPOINTMENT_PROFILE = "https://profiles.ihe.net/ITI/Scheduling/StructureDefinition/ihe-sched-appt";
    public static final String BUNDLE_PROFILE = "https://profiles.ihe.net/ITI/Scheduling/StructureDefinition/ihe-sched-avail-bundle";
    public static final String STATUS_REASON = "https://profiles.ihe.net/ITI/Scheduling/StructureDefinition/extension-status-reason";
    public static final String FIND = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-find";
    public static final String HOLD = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-hold";
    public static final String BOOK = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/appointment-book";
    /** Code system of the decision point's reason codes (BookingEvent.reason). */
    public static final String REASON_SYSTEM = "urn:slotstream:booking-reason";
    /** Extension: the booking conflicts with the source (the EHR deleted or took the slot). valueBoolean. */
    public static final String CONFLICT_EXTENSION = "urn:slotstream:booking-conflict";
    /** Extension: SMART Scheduling Links deep-link source / booking-referral carried onto the Appointment. valueString. */
    public static final String BOOKING_SOURCE_EXTENSION = "urn:slotstream:booking-source";
    public static final String BOOKING_REFERRAL_EXTENSION = "urn:slotstream:booking-referral";
    /** Patient Scheduling deep-link {@code state} the booking came with (spec §7.8). */
    public static final String BOOKING_STATE_EXTENSION = "urn:slotstream:booking-state";
    /** Patient Scheduling deep-link {@code returnUrl} the booking came with (spec §7.8). */
    public static final String RETURN_URL_EXTENSION = "urn:slotstream:booking-return-url";
    /** Appointment.identifier system: the id as a URN (urn:uuid:...). */
    public static final String IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986";

    private SchedulingFhir() {
    }
}
