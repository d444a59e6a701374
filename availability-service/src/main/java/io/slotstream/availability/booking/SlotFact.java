package io.slotstream.availability.booking;

import io.slotstream.avro.SlotStatus;

/**
 * What the decision point needs of a source Slot (fhir.slot.v1), routed by Schedule id. UTC epoch milliseconds.
 *
 * @param slotId     canonical Slot id
 * @param scheduleId canonical Schedule id the slot belongs to
 * @param status     the source status; null when the source deleted the slot or it was retired
 * @param startMs    Slot.start
 * @param endMs      Slot.end
 * @param retired    whether the slot left because it ended (the view's retirement rule), not because the source
 *                   deleted it: a booking of a retired slot took place, it is no conflict
 * @param sourceChangedMs when the source changed the slot: {@code provenance.eventTime} of the fhir.slot.v1 record
 *                   (the Slot's {@code meta.lastUpdated}, or the ingest time when the source sent none); 0 when unknown
 *                   (deleted, retired, or a fact written before this field existed)
 */
public record SlotFact(String slotId, String scheduleId, SlotStatus status, long startMs, long endMs, boolean retired,
                       long sourceChangedMs) {

    /** A source slot as stated. */
    public SlotFact(String slotId, String scheduleId, SlotStatus status, long startMs, long endMs, long sourceChangedMs) {
        this(slotId, scheduleId, status, startMs, endMs, false, sourceChangedMs);
    }

    /** @return the fact that the source deleted the slot (or moved it to another Schedule) */
    static SlotFact deleted(String slotId, String scheduleId) {
        return new SlotFact(slotId, scheduleId, null, 0, 0, false, 0);
    }

    /** @return the fact that the slot ended and left the view */
    static SlotFact retired(String slotId, String scheduleId) {
        return new SlotFact(slotId, scheduleId, null, 0, 0, true, 0);
    }

    /** @return whether the slot is gone (deleted by the source or retired) */
    public boolean deleted() {
        return status == null;
    }
}
