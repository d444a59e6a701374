package io.slotstream.availability.topology;

import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Records a fixed-key processor forwards under a key other than its input's, for keys its task already owns:
 * {@link EffectiveSlotProcessor} re-emitting, on a Schedule context change, the slots of that Schedule found in its
 * own partition's index. The fixed-key API derives records only from input records, so this uses Kafka Streams' own
 * factory. Such a key is on this partition by construction.
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
