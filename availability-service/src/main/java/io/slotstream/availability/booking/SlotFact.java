package io.slotstream.availability.booking;

import io.slotstream.avro.SlotStatus;

/**
 * What the decision point needs of a source Slot (fhir.slot.v1), routed by Schedule id. UTC epoch milliseconds.
 *
 * @param slotId     canonical Slot id
 * @param scheduleId canonical Schedule id the slot belongs to
 * @param status     the source status; null when the source deleted the slot
 * @param startMs    Slot.start
 * @param endMs      Slot.end
 */
public record SlotFact(String slotId, String scheduleId, SlotStatus status, long startMs, long endMs) {

    /** @return whether the source deleted the slot */
    public boolean deleted() {
        return status == null;
    }
}
