package io.slotstream.availability.booking;

/**
 * The decision point's state of one slot (store {@link BookingStores#SLOTS}).
 *
 * @param fact                the source slot; null until fhir.slot.v1 has stated it
 * @param holdAppointmentId   the appointment holding the slot, or null
 * @param holdExpiresAtMs     when that hold lapses, UTC epoch ms (meaningless without a hold)
 * @param bookedAppointmentId the appointment that booked the slot, or null
 */
public record SlotLedger(SlotFact fact, String holdAppointmentId, long holdExpiresAtMs, String bookedAppointmentId) {

    /** Nothing known. */
    public static final SlotLedger EMPTY = new SlotLedger(null, null, 0, null);

    /** @return whether a hold is active at nowMs (expiry strictly later) */
    public boolean heldAt(long nowMs) {
        return holdAppointmentId != null && holdExpiresAtMs > nowMs;
    }

    SlotLedger withFact(SlotFact f) {
        return new SlotLedger(f, holdAppointmentId, holdExpiresAtMs, bookedAppointmentId);
    }

    SlotLedger withHold(String appointmentId, long expiresAtMs) {
        return new SlotLedger(fact, appointmentId, expiresAtMs, bookedAppointmentId);
    }

    SlotLedger withoutHold() {
        return new SlotLedger(fact, null, 0, bookedAppointmentId);
    }

    SlotLedger booked(String appointmentId) {
        return new SlotLedger(fact, null, 0, appointmentId);
    }

    SlotLedger withoutBooking() {
        return new SlotLedger(fact, holdAppointmentId, holdExpiresAtMs, null);
    }
}
