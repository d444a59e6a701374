package io.slotstream.publish.store;

/**
 * A {@link StoreChange} with its change time.
 *
 * @param change the upsert or delete
 * @param time   change time, UTC epoch ms, taken from the input (the Kafka record timestamp, never decreasing per
 *               partition) so that every replica gives a change the same time
 */
public record TimedChange(StoreChange change, long time) {
}
