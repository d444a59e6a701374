package io.slotstream.availability.topology;

import io.slotstream.availability.store.BookingState;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;

/**
 * Applies a booking.events.v1 decision to a slot's {@link BookingState}: a pure fold, because the booking decision
 * point ({@code io.slotstream.availability.booking}) has already decided; this never judges. Pure and idempotent:
 * <ul>
 *   <li>REJECTED and CONFLICT do not change the slot; HOLD_EXPIRED ends the hold like HOLD_RELEASED;</li>
 *   <li>stale: an event older (eventTime) than the last applied one is dropped, so a late HOLD_PLACED cannot undo a
 *       newer release or booking; duplicate: a redelivered event (same eventId) is dropped;</li>
 *   <li>HOLD_PLACED sets the hold unless the slot is booked; it lasts until HOLD_RELEASED, HOLD_EXPIRED or BOOKED
 *       (no wall clock here: the decision point alone decides when a hold has lapsed);</li>
 *   <li>HOLD_RELEASED clears the hold only when it names the active hold (or names none);</li>
 *   <li>BOOKED books the slot and ends any hold; CANCELLED ends the booking when it names that appointment (or
 *       none), which releases the slot to its source status.</li>
 * </ul>
 * Holds are a Slotstream overlay, not part of SMART Scheduling Links STU1 (§8: the booking system owns holds and the
 * publisher reflects them at its discretion; we show them as busy-tentative).
 */
public final class BookingTransitions {

    private BookingTransitions() {
    }

    /**
     * @param state current state, never null ({@link BookingState#NONE} when nothing is known)
     * @param event the event; must not be null
     * @return the new state; {@code state} itself when the event is stale or a duplicate
     */
    public static BookingState apply(BookingState state, BookingEvent event) {
        long time = event.getEventTime().toEpochMilli();
        if (!changesSlot(event.getType()) || time < state.lastEventTime()
                || event.getEventId().equals(state.lastEventId())) {
            return state;
        }
        String holdId = state.holdId();
        Long holdExpiresAt = state.holdExpiresAt();
        boolean booked = state.booked();
        String appointmentId = state.appointmentId();
        switch (event.getType()) {
            case HOLD_PLACED -> {
                Long expires = event.getHoldExpiresAt() == null ? null : event.getHoldExpiresAt().toEpochMilli();
                if (!booked && event.getHoldId() != null && expires != null) {
                    holdId = event.getHoldId();
                    holdExpiresAt = expires;
                }
            }
            case HOLD_RELEASED, HOLD_EXPIRED -> {
                if (holdId != null && (event.getHoldId() == null || event.getHoldId().equals(holdId))) {
                    holdId = null;
                    holdExpiresAt = null;
                }
            }
            case BOOKED -> {
                booked = true;
                appointmentId = event.getAppointmentId();
                holdId = null;
                holdExpiresAt = null;
            }
            case CANCELLED -> {
                if (booked && (event.getAppointmentId() == null || appointmentId == null
                        || event.getAppointmentId().equals(appointmentId))) {
                    booked = false;
                    appointmentId = null;
                }
            }
            case REJECTED, CONFLICT -> {
                // unreachable: filtered by changesSlot
            }
        }
        return new BookingState(holdId, holdExpiresAt, booked, appointmentId, time, event.getEventId());
    }

    /** @return whether an event of this type changes the slot (REJECTED and CONFLICT leave it as it is) */
    public static boolean changesSlot(BookingEventType type) {
        return type != BookingEventType.REJECTED && type != BookingEventType.CONFLICT;
    }
}
