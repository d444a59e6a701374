package io.slotstream.availability.store;

import io.slotstream.avro.FhirSlot;

/**
 * A source slot with its booking overlay, as joined with its Schedule's context.
 *
 * @param source        the Slot as fhir.slot.v1 states it (never null)
 * @param booking       the overlay (active hold / booking); never null
 * @param causeTimeMs   event time of the change that produced this value, UTC epoch ms (source eventTime, booking
 *                      eventTime, or the hold's expiry): the start of the end-to-end lag metric
 */
public record EffectiveSlot(FhirSlot source, BookingState booking, long causeTimeMs) {

    public EffectiveSlot {
        java.util.Objects.requireNonNull(source, "source");
        java.util.Objects.requireNonNull(booking, "booking");
    }

    /** @return the canonical Schedule id the slot references, or null when the reference has none */
    public String scheduleId() {
        return scheduleIdOf(source);
    }

    /** @return the canonical Schedule id {@code slot} references, or null when the reference has none */
    public static String scheduleIdOf(FhirSlot slot) {
        return ReferenceIds.idOf(slot.getSchedule().getReference(), "Schedule");
    }
}
