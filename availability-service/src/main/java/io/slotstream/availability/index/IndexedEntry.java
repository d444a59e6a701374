package io.slotstream.availability.index;

import io.slotstream.avro.SlotAvailability;

import java.util.Set;

/**
 * The start and terms a published slot is indexed under.
 *
 * @param startMs slot start, UTC epoch ms
 * @param terms   its {@link SearchTerms}
 */
record IndexedEntry(long startMs, Set<String> terms) {

    /** @return the entry of a published value; null for null (not published) */
    static IndexedEntry of(SlotAvailability published) {
        return published == null ? null
                : new IndexedEntry(published.getStart().toEpochMilli(), SearchTerms.of(published));
    }
}
