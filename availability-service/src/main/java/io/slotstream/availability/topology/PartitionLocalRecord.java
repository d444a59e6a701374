package io.slotstream.availability.topology;

import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Records a fixed-key processor forwards under a key other than its input's, for keys its task already owns: a slot
 * id read from the task's own slot store (retirement), a Schedule id of the task's own Schedule partition (a
 * reference change re-resolving its dependents). Such a key is on this partition by construction, so the table built
 * downstream needs no repartition topic, which Kafka Streams inserts after any {@code process()} because it cannot
 * know that. The fixed-key API derives records only from input records (a punctuator has none), so this uses Kafka
 * Streams' own factory; the topology tests assert that no repartition topic comes back and that the records arrive.
 */
final class PartitionLocalRecord {

    private PartitionLocalRecord() {
    }

    /**
     * @param key         a key whose partition is the current task's (never a key taken from another partition)
     * @param timestampMs record time, UTC epoch ms
     */
    static <K, V> FixedKeyRecord<K, V> of(K key, V value, long timestampMs) {
        return InternalFixedKeyRecordFactory.create(new Record<>(key, value, timestampMs));
    }
}
