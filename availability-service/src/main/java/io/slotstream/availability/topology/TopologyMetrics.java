package io.slotstream.availability.topology;

/**
 * What the topology reports (implemented with Micrometer by the application, {@link #NONE} in tests). Implementations
 * must be thread-safe: every stream thread calls them.
 */
public interface TopologyMetrics {

    /** A record from input {@code input} ("slot" or "booking") was processed. */
    void recordProcessed(String input);

    /** A record from {@code input} was dropped as stale, a duplicate or invalid. */
    void recordDropped(String input, String reason);

    /** A hold lapsed (wall-clock punctuation). */
    void holdExpired();

    /** A slot left the view because it ended (wall-clock punctuation, {@link SlotRetirement}). */
    default void slotRetired() {
    }

    /**
     * The view changed and was written to slot.availability.v1.
     *
     * @param tombstone whether it was a delete
     * @param lagMs     update time minus the event time of the change that caused it, ms (end-to-end lag)
     */
    void published(boolean tombstone, long lagMs);

    /** Does nothing. */
    TopologyMetrics NONE = new TopologyMetrics() {
        @Override
        public void recordProcessed(String input) {
        }

        @Override
        public void recordDropped(String input, String reason) {
        }

        @Override
        public void holdExpired() {
        }

        @Override
        public void published(boolean tombstone, long lagMs) {
        }
    };
}
