package io.slotstream.availability.topology;

import io.slotstream.availability.index.SlotChange;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.SlotAvailability;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Last step, in the slot partitions: turns a scheduled effective slot into its published {@link SlotAvailability}
 * and forwards it only when the content changed ({@link SlotAvailabilityBuilder#sameContent}); a null input (slot
 * deleted, Schedule unknown or deleted) becomes a tombstone, but only for a slot that was published. Keeps the
 * published view ({@link StoreNames#SLOT_VIEW}, which is also the last-emitted state), which the Slot search reads.
 * Forwards each change with the value it replaces ({@link SlotChange}), which the search index needs.
 */
final class PublishProcessor implements Processor<String, ScheduledSlot, String, SlotChange> {

    private final TopologyMetrics metrics;
    private ProcessorContext<String, SlotChange> context;
    private KeyValueStore<String, SlotAvailability> view;

    PublishProcessor(TopologyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SlotChange> context) {
        this.context = context;
        this.view = context.getStateStore(StoreNames.SLOT_VIEW);
    }

    @Override
    public void process(Record<String, ScheduledSlot> record) {
        String key = record.key();
        if (key == null) {
            return;
        }
        SlotAvailability old = view.get(key);
        long now = context.currentSystemTimeMs();
        if (record.value() == null) {
            if (old != null) {
                view.delete(key);
                context.forward(new Record<>(key, new SlotChange(old, null), record.timestamp()));
                metrics.published(true, Math.max(0, now - record.timestamp()));
            }
            return;
        }
        ScheduledSlot in = record.value();
        SlotAvailability next = SlotAvailabilityBuilder.build(in.slot(), in.context(), now);
        if (old != null && SlotAvailabilityBuilder.sameContent(old, next)) {
            return;
        }
        view.put(key, next);
        context.forward(new Record<>(key, new SlotChange(old, next), record.timestamp()));
        // the slot's own change, or (record time) the Schedule/reference change that re-emitted it
        long cause = Math.max(in.slot().causeTimeMs(), record.timestamp());
        metrics.published(false, Math.max(0, now - cause));
    }
}
