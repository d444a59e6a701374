package io.slotstream.availability.topology;

import io.slotstream.availability.store.ExpiryIndex;
import io.slotstream.availability.store.SlotState;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Retires past slots: a slot whose {@code end} is before now minus the retention leaves the view, which tombstones it
 * on slot.availability.v1 (and so removes it from the publication). Sits on fhir.slot.v1 in front of
 * {@link EffectiveSlotProcessor} and turns a retirement into a source delete for it. A slot arriving already ended is
 * never published (a delete when an earlier version was, else dropped). Known slots are indexed by end
 * ({@link StoreNames#SLOT_END_INDEX}, {@link ExpiryIndex} keys); WALL_CLOCK_TIME punctuation range-scans that index up
 * to the cutoff, at most {@value #MAX_RETIREMENTS_PER_RUN} per run, oldest first: no full scans, bounded work per run.
 * Reads the source slot from {@link StoreNames#SLOT_STATE} (written by EffectiveSlotProcessor) to tell a current index
 * entry from one whose slot has since moved.
 */
final class SlotRetirement implements Processor<String, FhirSlot, String, FhirSlot> {

    static final int MAX_RETIREMENTS_PER_RUN = 10_000;
    private static final byte[] EMPTY = new byte[0];

    private final Duration interval;
    private final long retentionMs;
    private final TopologyMetrics metrics;
    private ProcessorContext<String, FhirSlot> context;
    private KeyValueStore<String, SlotState> states;
    private KeyValueStore<Bytes, byte[]> ends;

    /**
     * @param interval  punctuation interval: a slot leaves at most this long after its end plus the retention
     * @param retention how long after its end a slot stays in the view (zero: until it ends)
     */
    SlotRetirement(Duration interval, Duration retention, TopologyMetrics metrics) {
        this.interval = interval;
        this.retentionMs = retention.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, FhirSlot> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SLOT_STATE);
        this.ends = context.getStateStore(StoreNames.SLOT_END_INDEX);
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::retire);
    }

    @Override
    public void process(Record<String, FhirSlot> record) {
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
        if (slot != null && slot.getEnd().toEpochMilli() < cutoff(context.currentSystemTimeMs())) {
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

    /** Punctuation: retire every known slot that ended before the cutoff, oldest first. */
    private void retire(long nowMs) {
        long cutoff = cutoff(nowMs);
        if (cutoff <= 0) {
            return;
        }
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        // collect first: the store is not modified while its iterator is open
        try (KeyValueIterator<Bytes, byte[]> it = ends.range(ExpiryIndex.lowest(), ExpiryIndex.upTo(cutoff - 1))) {
            while (it.hasNext() && due.size() < MAX_RETIREMENTS_PER_RUN) {
                due.add(it.next());
            }
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            ends.delete(entry.key);
            String slotId = ExpiryIndex.slotIdOf(entry.key);
            SlotState state = states.get(slotId);
            if (state == null || state.source() == null
                    || state.source().getEnd().toEpochMilli() != ExpiryIndex.expiryOf(entry.key)) {
                continue; // deleted or moved since it was indexed
            }
            metrics.slotRetired();
            context.forward(new Record<>(slotId, (FhirSlot) null, nowMs));
        }
    }

    private long cutoff(long nowMs) {
        return nowMs - retentionMs;
    }
}
