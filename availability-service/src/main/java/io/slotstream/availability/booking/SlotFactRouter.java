package io.slotstream.availability.booking;

import io.slotstream.availability.store.ExpiryIndex;
import io.slotstream.availability.store.ReferenceIds;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;

/**
 * Slot-partitioned: turns fhir.slot.v1 records into {@link SlotFact}s keyed by Schedule id, so that the decision point
 * (Schedule-partitioned) knows the source state of every slot it decides on. Remembers each slot's last fact
 * ({@link BookingStores#SLOT_ROUTES}) so that a delete, or a move to another Schedule, reaches the old owner too.
 * A slot without a Schedule reference cannot be booked and is not forwarded.
 * <p>
 * Retirement follows the view's rule ({@code slotstream.availability.slot-retention}): a slot whose end is before now
 * minus the retention is forwarded as {@link SlotFact#retired}, so the decision point forgets it. Known slots are
 * indexed by end ({@link BookingStores#SLOT_END_INDEX}); WALL_CLOCK_TIME punctuation range-scans that index up to the
 * cutoff, at most {@value #MAX_RETIREMENTS_PER_RUN} per run: no full scans.
 */
final class SlotFactRouter implements Processor<String, FhirSlot, String, SlotFact> {

    static final int MAX_RETIREMENTS_PER_RUN = 10_000;
    private static final byte[] EMPTY = new byte[0];

    private final Duration retirementInterval;
    private final long retentionMs;
    private ProcessorContext<String, SlotFact> context;
    private KeyValueStore<String, SlotFact> routes;
    private KeyValueStore<Bytes, byte[]> ends;

    /**
     * @param retirementInterval punctuation interval of the retirement
     * @param slotRetention      how long after its end a slot is still known (the view's slot retention)
     */
    SlotFactRouter(Duration retirementInterval, Duration slotRetention) {
        this.retirementInterval = retirementInterval;
        this.retentionMs = slotRetention.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, SlotFact> context) {
        this.context = context;
        this.routes = context.getStateStore(BookingStores.SLOT_ROUTES);
        this.ends = context.getStateStore(BookingStores.SLOT_END_INDEX);
        context.schedule(retirementInterval, PunctuationType.WALL_CLOCK_TIME, this::retire);
    }

    @Override
    public void process(Record<String, FhirSlot> record) {
        String slotId = record.key();
        if (slotId == null) {
            return;
        }
        SlotFact previous = routes.get(slotId);
        FhirSlot slot = record.value();
        String scheduleId = slot == null ? null : ReferenceIds.idOf(slot.getSchedule().getReference(), "Schedule");
        long endMs = slot == null ? Long.MIN_VALUE : slot.getEnd().toEpochMilli();
        boolean ended = slot != null && endMs < cutoff(context.currentSystemTimeMs());
        // the index entry stays when the slot keeps its end (a status change): no delete and put of the same key
        boolean keepsEntry = previous != null && scheduleId != null && !ended && previous.endMs() == endMs;
        if (previous != null) {
            if (!keepsEntry) {
                ends.delete(ExpiryIndex.key(previous.endMs(), slotId));
            }
            if (!previous.scheduleId().equals(scheduleId)) {
                context.forward(record.withKey(previous.scheduleId()).withValue(SlotFact.deleted(slotId, previous.scheduleId())));
            }
        }
        if (scheduleId == null) {
            routes.delete(slotId);
            return;
        }
        if (ended) {
            routes.delete(slotId); // arrived already ended: nothing to decide on
            context.forward(record.withKey(scheduleId).withValue(SlotFact.retired(slotId, scheduleId)));
            return;
        }
        SlotFact fact = new SlotFact(slotId, scheduleId, slot.getStatus(), slot.getStart().toEpochMilli(),
                slot.getEnd().toEpochMilli(), slot.getProvenance().getEventTime().toEpochMilli());
        routes.put(slotId, fact);
        if (!keepsEntry) {
            ends.put(ExpiryIndex.key(fact.endMs(), slotId), EMPTY);
        }
        context.forward(record.withKey(scheduleId).withValue(fact));
    }

    /** Punctuation: every known slot that ended before the cutoff is forwarded as retired, oldest first. */
    private void retire(long nowMs) {
        long cutoff = cutoff(nowMs);
        if (cutoff <= 0) {
            return;
        }
        for (Bytes key : ExpiryIndex.due(ends, cutoff - 1, MAX_RETIREMENTS_PER_RUN)) {
            ends.delete(key);
            String slotId = ExpiryIndex.slotIdOf(key);
            SlotFact fact = routes.get(slotId);
            if (fact == null || fact.endMs() != ExpiryIndex.expiryOf(key)) {
                continue; // deleted or moved since it was indexed
            }
            routes.delete(slotId);
            context.forward(new Record<>(fact.scheduleId(), SlotFact.retired(slotId, fact.scheduleId()), nowMs));
        }
    }

    private long cutoff(long nowMs) {
        return nowMs - retentionMs;
    }
}
