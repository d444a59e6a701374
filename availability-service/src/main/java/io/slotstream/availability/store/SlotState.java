package io.slotstream.availability.store;

import io.slotstream.avro.FhirSlot;

/**
 * Per-slot state of the effective-slot processor (store {@link StoreNames#SLOT_STATE}).
 *
 * @param source  the Slot as fhir.slot.v1 last stated it; null when not (yet) received, e.g. a hold that arrived
 *                before its slot
 * @param booking holds and bookings; never null ({@link BookingState#NONE})
 */
public record SlotState(FhirSlot source, BookingState booking) {

    public SlotState {
        java.util.Objects.requireNonNull(booking, "booking");
    }
}
