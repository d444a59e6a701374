package io.slotstream.publish.store;

/**
 * Where the store stands in one topic partition.
 *
 * @param nextOffset the next offset to consume
 * @param time       the partition's change time so far (highest record timestamp consumed), UTC epoch ms
 */
public record PartitionPosition(long nextOffset, long time) {
}
