package io.slotstream.availability.topology;

import io.slotstream.availability.store.ExpiryIndex;
import io.slotstream.availability.store.SlotState;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;

/**
 * First step on fhir.slot.v1: indexes every known source slot by its end ({@link StoreNames#SLOT_END_INDEX},
 * {@link ExpiryIndex} keys) for {@link SlotRetirement}, and never lets a slot that arrives already ended (end before
 * now minus the retention) into the view: a delete when an earlier version was known, else nothing. Reads the slot's
 * previous version from {@link StoreNames#SLOT_STATE} (written by {@link EffectiveSlotProcessor}). A fixed-key
 * processor, so a slot change reaches the view without crossing a repartition topic.
 */
final class SlotEndIndexer implements FixedKeyProcessor<String, FhirSlot, FhirSlot> {

    private static final byte[] EMPTY = new byte[0];

    private final long retentionMs;
    private final TopologyMetrics metrics;
    private FixedKeyProcessorContext<String, FhirSlot> context;
    private KeyValueStore<String, SlotState> states;
    private KeyValueStore<Bytes, byte[]> ends;

    /** @param retention how long after its end a slot stays in the view (zero: until it ends) */
    SlotEndIndexer(Duration retention, TopologyMetrics metrics) {
        this.retentionMs = retention.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, FhirSlot> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SLOT_STATE);
        this.ends = context.getStateStore(StoreNames.SLOT_END_INDEX);
    }

    @Override
    public void process(FixedKeyRecord<String, FhirSlot> record) {
        String key = record.key();
        if (key == null) {
            return;
        }
        SlotState before = states.get(key);
        FhirSlot previous = before == null ? null : before.source();
        FhirSlot slot = record.value();
        if (previous != null && (slot == null || !previous.getEnd().equals(slot.getEnd()))) {
            ends.delete(ExpiryIndex.key(previous.getEnd().toEpochMilli(), key));
        }
        if (slot != null && slot.getEnd().toEpochMilli() < context.currentSystemTimeMs() - retentionMs) {
            metrics.recordDropped("slot", "ended");
            if (previous != null) {
                context.forward(record.withValue(null));
            }
            return;
        }
        if (slot != null) {
            ends.put(ExpiryIndex.key(slot.getEnd().toEpochMilli(), key), EMPTY);
        }
        context.forward(record);
    }
}
