package io.slotstream.availability.booking;

/** What the decision point reports (Micrometer in the application, {@link #NONE} in tests). Thread-safe. */
@FunctionalInterface
public interface DecisionMetrics {

    /**
     * A source update made a booked slot unavailable: a CONFLICT was written.
     *
     * @param reason the {@link BookingReason} code (source-busy, slot-deleted)
     */
    void conflict(String reason);

    /** Does nothing. */
    DecisionMetrics NONE = reason -> {
    };
}
