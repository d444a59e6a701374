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
 * on slot.availability.v1 (and so removes it from the publication). A WALL_CLOCK_TIME punctuation range-scans the end
 * index that {@link EffectiveSlotProcessor} keeps up to the cutoff, at most {@value #MAX_RETIREMENTS_PER_RUN} per run, oldest
 * first (no full scans, bounded work per run), and forwards a retirement per ended slot: slot id -> the end it was
 * retired at (UTC epoch ms). Reads the source slot from {@link StoreNames#SLOT_STATE} to tell a current index entry
 * from one whose slot has since moved.
 * <p>
 * It processes no records: the topology sends its retirements through the small {@code slot-retirements} repartition
 * topic into {@link EffectiveSlotProcessor}, because a record forwarded from a punctuation has no source partition,
 * which the Schedule join downstream needs; every other slot change reaches the view without an internal topic. As
 * the retirement arrives a little later, the effective-slot processor applies it only if the slot still has that
 * end.
 */
final class SlotRetirement implements Processor<String, FhirSlot, String, Long> {

    static final int MAX_RETIREMENTS_PER_RUN = 10_000;

    private final Duration interval;
    private final long retentionMs;
    private final TopologyMetrics metrics;
    private ProcessorContext<String, Long> context;
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
    public void init(ProcessorContext<String, Long> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SLOT_STATE);
        this.ends = context.getStateStore(StoreNames.SLOT_END_INDEX);
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::retire);
    }

    @Override
    public void process(Record<String, FhirSlot> record) {
        // slot records are EffectiveSlotProcessor's; this node only punctuates
    }

    /** Punctuation: retire every known slot that ended before the cutoff, oldest first. */
    private void retire(long nowMs) {
        long cutoff = nowMs - retentionMs;
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
            long endMs = ExpiryIndex.expiryOf(entry.key);
            SlotState state = states.get(slotId);
            if (state == null || state.source() == null || state.source().getEnd().toEpochMilli() != endMs) {
                continue; // deleted or moved since it was indexed
            }
            context.forward(new Record<>(slotId, endMs, nowMs));
        }
    }
}
