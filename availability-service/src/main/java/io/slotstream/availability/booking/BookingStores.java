package io.slotstream.availability.booking;

/** State stores of the booking decision point (all on Schedule partitions except {@link #SLOT_ROUTES} and {@link #SLOT_END_INDEX}). */
public final class BookingStores {

    /** slotId -> its last {@link SlotFact}, on slot partitions: routes a slot's delete to the Schedule that had it. */
    public static final String SLOT_ROUTES = "booking-slot-routes";
    /** ExpiryIndex key (Slot.end + slot id) -> empty, on slot partitions: known slots by end, for retirement. */
    public static final String SLOT_END_INDEX = "booking-slot-end-index";
    /** slotId -> {@link SlotLedger}. */
    public static final String SLOTS = "booking-slots";
    /** appointmentId -> {@link AppointmentLedger}. */
    public static final String APPOINTMENTS = "booking-appointments";
    /** scheduleId + NUL + patient reference -> appointmentId of the patient's active booking on that Schedule. */
    public static final String PATIENT_BOOKINGS = "booking-patient-bookings";
    /** ExpiryIndex key (hold expiry + appointment id) -> empty: active holds by expiry. */
    public static final String HOLD_EXPIRY = "booking-hold-expiry";
    /** requestId -> the events the request was decided with (replayed for a retry with the same request id). */
    public static final String OUTCOMES = "booking-request-outcomes";
    /** ExpiryIndex key (end of the outcome's retention + request id) -> empty: outcomes by when they are forgotten. */
    public static final String OUTCOME_EXPIRY = "booking-request-outcome-expiry";

    private BookingStores() {
    }
}
