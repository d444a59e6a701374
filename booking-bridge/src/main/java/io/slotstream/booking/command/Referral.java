package io.slotstream.booking.command;

import io.slotstream.avro.BookingEvent;

/**
 * How a patient reached the booking: the SMART Scheduling Links deep-link parameters {@code source} and
 * {@code booking-referral} (§3.3) and the Patient Scheduling {@code state} and {@code returnUrl} (§7.8). Carried from
 * {@code $hold}/{@code $book} through booking.requests.v1 and booking.events.v1 onto the Appointment. Any may be null.
 */
public record Referral(String source, String bookingReferral, String state, String returnUrl) {

    /** No referral. */
    public static final Referral NONE = new Referral(null, null, null, null);

    /** @return the referral a decision carries */
    public static Referral of(BookingEvent e) {
        return new Referral(e.getBookingSource(), e.getBookingReferral(), e.getBookingState(), e.getReturnUrl());
    }

    /** @return this referral's values, each falling back to {@code earlier}'s where this one has none */
    public Referral or(Referral earlier) {
        return new Referral(first(source, earlier.source), first(bookingReferral, earlier.bookingReferral),
                first(state, earlier.state), first(returnUrl, earlier.returnUrl));
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
