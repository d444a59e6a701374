package io.slotstream.bench.generator;

import java.util.List;

/**
 * One source-side change to a health system's slots, as the entries of one FHIR transaction Bundle.
 *
 * @param sequence 0-based position in the {@link ChangeStream}
 * @param entries  PUTs (booked, cancelled or rebuilt Slots) and DELETEs; a template rebuild is one Change with
 *                 hundreds of entries (a burst)
 */
public record Change(long sequence, Kind kind, List<Entry> entries) {

    /** What happened at the source. */
    public enum Kind { BOOKING, CANCELLATION, DELETION, TEMPLATE_REBUILD }

    /**
     * One Bundle entry.
     *
     * @param slot the new state for a PUT; for a DELETE the last known state (its id is what is deleted)
     */
    public record Entry(boolean delete, GeneratedSlot slot) {

        public static Entry put(GeneratedSlot slot) {
            return new Entry(false, slot);
        }

        public static Entry delete(GeneratedSlot slot) {
            return new Entry(true, slot);
        }
    }
}
