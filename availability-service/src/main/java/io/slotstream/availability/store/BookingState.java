package io.slotstream.availability.store;

/**
 * What booking.events.v1 has said about one slot, after idempotent, in-order application
 * ({@link io.slotstream.availability.topology.BookingTransitions}).
 *
 * @param holdId         id of the active hold, or null when not held
 * @param holdExpiresAt  when that hold lapses, UTC epoch ms; null exactly when holdId is null
 * @param booked         whether a booking holds the slot
 * @param appointmentId  the Appointment of that booking; may be null even when booked (the event carried none)
 * @param lastEventTime  eventTime of the newest applied event, UTC epoch ms (older events are stale and dropped)
 * @param lastEventId    eventId of that event (a redelivery of it is a duplicate), or null
 */
public record BookingState(String holdId, Long holdExpiresAt, boolean booked, String appointmentId,
                           long lastEventTime, String lastEventId) {

    /** Nothing known yet. */
    public static final BookingState NONE = new BookingState(null, null, false, null, Long.MIN_VALUE, null);

    /**
     * @return whether a hold is active: placed and not yet ended by HOLD_RELEASED, HOLD_EXPIRED or BOOKED (the
     * decision point decides expiry; {@link #holdExpiresAt} is informational here)
     */
    public boolean held() {
        return holdId != null;
    }

    /** @return whether this state overlays the source status in the same way as {@code other} (ignores bookkeeping) */
    public boolean sameOverlay(BookingState other) {
        return java.util.Objects.equals(holdId, other.holdId) && java.util.Objects.equals(holdExpiresAt, other.holdExpiresAt)
                && booked == other.booked && java.util.Objects.equals(appointmentId, other.appointmentId);
    }
}
