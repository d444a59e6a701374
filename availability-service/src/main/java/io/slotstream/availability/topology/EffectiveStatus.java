package io.slotstream.availability.topology;

import io.slotstream.availability.store.BookingState;
import io.slotstream.avro.SlotStatus;

/**
 * The status to publish: the source status with the booking overlay. Overlays only ever make a slot look busier:
 * entered-in-error always wins; a booking gives busy; an active hold turns free into busy-tentative and leaves any
 * busy status as it is; otherwise (including after a cancellation, a release or HOLD_EXPIRED) the source status.
 */
public final class EffectiveStatus {

    private EffectiveStatus() {
    }

    /**
     * @param source  Slot.status as the source states it
     * @param booking the overlay
     */
    public static SlotStatus of(SlotStatus source, BookingState booking) {
        if (source == SlotStatus.ENTERED_IN_ERROR) {
            return source;
        }
        if (booking.booked()) {
            return SlotStatus.BUSY;
        }
        if (booking.held() && source == SlotStatus.FREE) {
            return SlotStatus.BUSY_TENTATIVE;
        }
        return source;
    }
}
