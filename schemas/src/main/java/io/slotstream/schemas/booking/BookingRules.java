package io.slotstream.schemas.booking;

import java.time.Duration;

/**
 * Provider rules of holds and bookings (issue 11 deliverable 5), the one definition that both the booking decision
 * point (availability-service, which enforces them) and booking-bridge's {@code $find} (ITI-115, which pre-filters
 * proposals by them) call. Configured as {@code slotstream.booking.rules.*} and per source as
 * {@code slotstream.booking.sources.<source-id>.*} in both services.
 *
 * @param minNotice                       a slot can be held or booked only if it starts at least this long from now
 * @param horizon                         ... and at most this long from now
 * @param oneBookingPerPatientPerSchedule whether a patient may have at most one active booking per Schedule
 */
public record BookingRules(Duration minNotice, Duration horizon, boolean oneBookingPerPatientPerSchedule) {

    /** No minimum notice, a 365-day horizon, several bookings per patient allowed. */
    public static final BookingRules DEFAULT = new BookingRules(Duration.ZERO, Duration.ofDays(365), false);

    /** Which timing rule a slot breaks. */
    public enum Violation { MIN_NOTICE, HORIZON }

    public BookingRules {
        minNotice = minNotice == null ? Duration.ZERO : minNotice;
        horizon = horizon == null ? Duration.ofDays(365) : horizon;
    }

    /**
     * @param startMs Slot.start, UTC epoch ms
     * @param nowMs   now, UTC epoch ms
     * @return the timing rule a slot starting at {@code startMs} breaks now, or null when it may be held or booked
     */
    public Violation check(long startMs, long nowMs) {
        if (startMs < earliestStart(nowMs)) {
            return Violation.MIN_NOTICE;
        }
        if (startMs > latestStart(nowMs)) {
            return Violation.HORIZON;
        }
        return null;
    }

    /** @return the earliest start a slot may have now (now + minimum notice), UTC epoch ms */
    public long earliestStart(long nowMs) {
        return nowMs + minNotice.toMillis();
    }

    /** @return the latest start a slot may have now (now + horizon), UTC epoch ms */
    public long latestStart(long nowMs) {
        return nowMs + horizon.toMillis();
    }
}
