package io.slotstream.availability.topology;

import io.slotstream.availability.store.BookingState;
import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.SlotState;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;


/**
 * Slot-keyed processor over fhir.slot.v1 + booking.events.v1: keeps the source slot and its booking state
 * ({@link StoreNames#SLOT_STATE}) and forwards the {@link EffectiveSlot} whenever source or overlay changes (null
 * when the slot is deleted). No timer here: the booking decision point alone decides when a hold expires and says so
 * with HOLD_EXPIRED, which this folds like any other event (so rebuilding the view from the topics gives the same
 * view, and the view never disagrees with the decision point about a hold).
 * <p>
 * Source slots are applied in topic order, whatever their provenance.eventTime: ingest-service alone decides which
 * version is current, so the view is a pure fold of fhir.slot.v1. Booking events per {@link BookingTransitions}. A
 * booking event for a slot not seen yet is kept and applied once the slot arrives. A source change during a hold keeps the hold. A deleted slot forgets its booking state.
 */
final class EffectiveSlotProcessor implements Processor<String, SlotInput, String, EffectiveSlot> {

    private final TopologyMetrics metrics;
    private ProcessorContext<String, EffectiveSlot> context;
    private KeyValueStore<String, SlotState> states;

    EffectiveSlotProcessor(TopologyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, EffectiveSlot> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SLOT_STATE);
    }

    @Override
    public void process(Record<String, SlotInput> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        SlotState before = states.get(record.key());
        switch (record.value()) {
            case SlotInput.Source(FhirSlot slot) -> onSource(record, before, slot);
            case SlotInput.Booking(BookingEvent event) -> onBooking(record, before, event);
        }
    }

    private void onSource(Record<String, SlotInput> record, SlotState before, FhirSlot slot) {
        String key = record.key();
        metrics.recordProcessed("slot");
        if (slot == null) {
            if (before == null) {
                return;
            }
            states.delete(key);
            if (before.source() != null) {
                context.forward(new Record<>(key, (EffectiveSlot) null, record.timestamp()));
            }
            return;
        }
        FhirSlot previous = before == null ? null : before.source();
        if (slot.equals(previous)) {
            metrics.recordDropped("slot", "duplicate");
            return;
        }
        BookingState booking = before == null ? BookingState.NONE : before.booking();
        states.put(key, new SlotState(slot, booking));
        context.forward(new Record<>(key, new EffectiveSlot(slot, booking, slot.getProvenance().getEventTime().toEpochMilli()),
                record.timestamp()));
    }

    private void onBooking(Record<String, SlotInput> record, SlotState before, BookingEvent event) {
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
        if (event.getType() == io.slotstream.avro.BookingEventType.HOLD_EXPIRED && old.holdId() != null
                && next.holdId() == null) {
            metrics.holdExpired();
        }
        FhirSlot source = before == null ? null : before.source();
        states.put(key, new SlotState(source, next));
        if (source != null && !old.sameOverlay(next)) {
            context.forward(new Record<>(key, new EffectiveSlot(source, next, event.getEventTime().toEpochMilli()), record.timestamp()));
        }
    }
}
