package io.slotstream.availability.index;

import io.slotstream.avro.SlotAvailability;

/**
 * One change of the published view for one slot id, as the view's last step writes it: what was published before and
 * what is published now. The search index takes the old posting keys from {@code before}, so it needs no store of its
 * own to remember them (one RocksDB point read less per change).
 *
 * @param before the value published until now; null when the slot was not published
 * @param after  the value published now; null for a tombstone (the slot left the view)
 */
public record SlotChange(SlotAvailability before, SlotAvailability after) {

    public SlotChange {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a slot change needs a before or an after value");
        }
    }
}
