package io.slotstream.availability.booking;

import java.time.Duration;

/**
 * Provider rules the decision point applies to holds and bookings (and booking-bridge's {@code $find} mirrors).
 *
 * @param minNotice                     a slot can be held or booked only if it starts at least this long from now
 * @param horizon                       ... and at most this long from now
 * @param oneBookingPerPatientPerSchedule whether a patient may have at most one active booking per Schedule
 */
public record BookingRules(Duration minNotice, Duration horizon, boolean oneBookingPerPatientPerSchedule) {

    /** No minimum notice, a 365-day horizon, several bookings per patient allowed. */
    public static final BookingRules DEFAULT = new BookingRules(Duration.ZERO, Duration.ofDays(365), false);

    public BookingRules {
        minNotice = minNotice == null ? Duration.ZERO : minNotice;
        horizon = horizon == null ? Duration.ofDays(365) : horizon;
    }
}
