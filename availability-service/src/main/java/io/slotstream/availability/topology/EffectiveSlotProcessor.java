package io.slotstream.availability.topology;

import io.slotstream.availability.store.BookingState;
import io.slotstream.availability.store.DependentsIndex;
import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.ExpiryIndex;
import io.slotstream.availability.store.ScheduleContext;
import io.slotstream.availability.store.SlotState;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.Objects;

/**
 * The slot partitions' processor: folds fhir.slot.v1, booking.events.v1 and retirements into each slot's source and
 * booking state ({@link StoreNames#SLOT_STATE}) and joins the slot with its Schedule's context, which the schedule
 * partitions broadcast to every slot partition ({@link StoreNames#SCHEDULE_CONTEXT_COPY}). Forwards, keyed by slot id,
 * the {@link ScheduledSlot} whenever source, overlay or context changes, and null when the slot is deleted or its
 * Schedule is unknown (an inner join: a slot is never published without its Schedule).
 * <p>
 * No timer here: the booking decision point alone decides when a hold expires and says so with HOLD_EXPIRED, which
 * this folds like any other event (so rebuilding the view from the topics gives the same view, and the view never
 * disagrees with the decision point about a hold). Source slots are applied in topic order, whatever their
 * provenance.eventTime: ingest-service alone decides which version is current, so the view is a pure fold of
 * fhir.slot.v1. Booking events per {@link BookingTransitions}. A booking event for a slot not seen yet is kept and
 * applied once the slot arrives. A source change during a hold keeps the hold. A deleted slot forgets its booking
 * state.
 * <p>
 * The join is local, so a slot change crosses no internal topic: a context change re-emits the slots of its Schedule
 * in this partition, found by one range scan of {@link StoreNames#SLOTS_BY_SCHEDULE} (keys the task owns:
 * {@link PartitionLocalRecord}).
 * <p>
 * It also indexes every known source slot by its end ({@link StoreNames#SLOT_END_INDEX}, {@link ExpiryIndex} keys)
 * for {@link SlotRetirement}, written only when the end changes, and never lets a slot that arrives already ended
 * (end before now minus the retention) into the view: a delete when an earlier version was known, else nothing.
 * One read of {@link StoreNames#SLOT_STATE} per source change serves both.
 */
final class EffectiveSlotProcessor implements FixedKeyProcessor<String, SlotInput, ScheduledSlot> {

    private static final byte[] EMPTY = new byte[0];

    private final long retentionMs;
    private final TopologyMetrics metrics;
    private FixedKeyProcessorContext<String, ScheduledSlot> context;
    private KeyValueStore<String, SlotState> states;
    private KeyValueStore<Bytes, byte[]> ends;
    private KeyValueStore<String, ScheduleContext> contexts;
    private KeyValueStore<Bytes, byte[]> slotsBySchedule;

    /** @param retention how long after its end a slot stays in the view (zero: until it ends) */
    EffectiveSlotProcessor(Duration retention, TopologyMetrics metrics) {
        this.retentionMs = retention.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, ScheduledSlot> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SLOT_STATE);
        this.ends = context.getStateStore(StoreNames.SLOT_END_INDEX);
        this.contexts = context.getStateStore(StoreNames.SCHEDULE_CONTEXT_COPY);
        this.slotsBySchedule = context.getStateStore(StoreNames.SLOTS_BY_SCHEDULE);
    }

    @Override
    public void process(FixedKeyRecord<String, SlotInput> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String key = record.key();
        switch (record.value()) {
            case SlotInput.Source(FhirSlot slot) -> onSourceRecord(record, states.get(key), slot);
            case SlotInput.Booking(BookingEvent event) -> onBooking(record, states.get(key), event);
            case SlotInput.Retirement(long endMs) -> onRetirement(record, states.get(key), endMs);
            case SlotInput.Context(ScheduleContext scheduleContext) -> onContext(record, scheduleContext); // Schedule id
        }
    }

    /** A fhir.slot.v1 record: keeps the end index, drops a slot that arrives already ended, then folds it. */
    private void onSourceRecord(FixedKeyRecord<String, SlotInput> record, SlotState before, FhirSlot slot) {
        String key = record.key();
        FhirSlot previous = before == null ? null : before.source();
        long previousEnd = previous == null ? Long.MIN_VALUE : previous.getEnd().toEpochMilli();
        long end = slot == null ? Long.MIN_VALUE : slot.getEnd().toEpochMilli();
        if (slot != null && end < context.currentSystemTimeMs() - retentionMs) {
            metrics.recordDropped("slot", "ended");
            if (previous == null) {
                return;
            }
            slot = null;
            end = Long.MIN_VALUE;
        }
        if (previous != null && previousEnd != end) {
            ends.delete(ExpiryIndex.key(previousEnd, key));
        }
        if (slot != null && end != previousEnd) {
            ends.put(ExpiryIndex.key(end, key), EMPTY);
        }
        onSource(record, before, slot);
    }

    private void onSource(FixedKeyRecord<String, SlotInput> record, SlotState before, FhirSlot slot) {
        String key = record.key();
        metrics.recordProcessed("slot");
        FhirSlot previous = before == null ? null : before.source();
        if (slot == null) {
            if (before == null) {
                return;
            }
            states.delete(key);
            if (previous != null) {
                index(key, previous, null);
                context.forward(record.withValue((ScheduledSlot) null));
            }
            return;
        }
        if (slot.equals(previous)) {
            metrics.recordDropped("slot", "duplicate");
            return;
        }
        BookingState booking = before == null ? BookingState.NONE : before.booking();
        states.put(key, new SlotState(slot, booking));
        index(key, previous, slot);
        context.forward(record.withValue(joined(new EffectiveSlot(slot, booking, eventTime(slot)))));
    }

    private void onBooking(FixedKeyRecord<String, SlotInput> record, SlotState before, BookingEvent event) {
        String key = record.key();
        metrics.recordProcessed("booking");
        if (event == null) {
            return;
        }
        BookingState old = before == null ? BookingState.NONE : before.booking();
        BookingState next = BookingTransitions.apply(old, event);
        if (next == old) {
            metrics.recordDropped("booking", "stale-or-duplicate");
            return;
        }
        if (event.getType() == BookingEventType.HOLD_EXPIRED && old.holdId() != null && next.holdId() == null) {
            metrics.holdExpired();
        }
        FhirSlot source = before == null ? null : before.source();
        states.put(key, new SlotState(source, next));
        if (source != null && !old.sameOverlay(next)) {
            context.forward(record.withValue(joined(new EffectiveSlot(source, next, event.getEventTime().toEpochMilli()))));
        }
    }

    private void onRetirement(FixedKeyRecord<String, SlotInput> record, SlotState before, long endMs) {
        if (before == null || before.source() == null || before.source().getEnd().toEpochMilli() != endMs) {
            metrics.recordDropped("retirement", "slot-moved-or-deleted");
            return; // the source moved or deleted the slot after the retirement was scheduled
        }
        metrics.slotRetired();
        onSource(record, before, null);
    }

    /** A Schedule's context changed (null: the Schedule was deleted): re-emit its slots of this partition. */
    private void onContext(FixedKeyRecord<String, SlotInput> record, ScheduleContext next) {
        String scheduleId = record.key();
        ScheduleContext before = contexts.get(scheduleId);
        if (Objects.equals(before, next)) {
            return;
        }
        if (next == null) {
            contexts.delete(scheduleId);
        } else {
            contexts.put(scheduleId, next);
        }
        for (String slotId : DependentsIndex.dependentsOf(slotsBySchedule, scheduleId)) {
            SlotState state = states.get(slotId);
            if (state == null || state.source() == null) {
                continue;
            }
            ScheduledSlot value = next == null ? null
                    : new ScheduledSlot(new EffectiveSlot(state.source(), state.booking(), eventTime(state.source())), next);
            context.forward(PartitionLocalRecord.of(slotId, value, record.timestamp()));
        }
    }

    /** @return the slot with its Schedule's context, or null while the Schedule is unknown here */
    private ScheduledSlot joined(EffectiveSlot slot) {
        String scheduleId = slot.scheduleId();
        ScheduleContext scheduleContext = scheduleId == null ? null : contexts.get(scheduleId);
        return scheduleContext == null ? null : new ScheduledSlot(slot, scheduleContext);
    }

    /** Keeps {@link StoreNames#SLOTS_BY_SCHEDULE} in step with the slot's Schedule reference. */
    private void index(String slotId, FhirSlot previous, FhirSlot next) {
        String was = previous == null ? null : EffectiveSlot.scheduleIdOf(previous);
        String is = next == null ? null : EffectiveSlot.scheduleIdOf(next);
        if (Objects.equals(was, is)) {
            return;
        }
        if (was != null) {
            slotsBySchedule.delete(DependentsIndex.key(was, slotId));
        }
        if (is != null) {
            slotsBySchedule.put(DependentsIndex.key(is, slotId), EMPTY);
        }
    }

    private static long eventTime(FhirSlot slot) {
        return slot.getProvenance().getEventTime().toEpochMilli();
    }
}
