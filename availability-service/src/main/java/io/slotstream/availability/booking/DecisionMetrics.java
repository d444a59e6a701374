package io.slotstream.availability.booking;

/** What the decision point reports (Micrometer in the application, {@link #NONE} in tests). Thread-safe. */
@FunctionalInterface
public interface DecisionMetrics {

    /**
     * A source update contradicted a booking (not the echo of it): a CONFLICT was written.
     *
     * @param reason the {@link BookingReason} code (source-busy, source-unavailable, slot-deleted)
     */
    void conflict(String reason);

    /** Does nothing. */
    DecisionMetrics NONE = reason -> {
    };
}
