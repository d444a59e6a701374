package io.slotstream.availability.topology;

import io.slotstream.availability.store.BookingState;
import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.ExpiryIndex;
import io.slotstream.availability.store.SlotState;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.BookingEvent;
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
import java.util.Objects;

/**
 * Slot-keyed processor over fhir.slot.v1 + booking.events.v1: keeps the source slot and its booking state
 * ({@link StoreNames#SLOT_STATE}) and forwards the {@link EffectiveSlot} whenever source or overlay changes (null
 * when the slot is deleted). Holds lapse on WALL_CLOCK_TIME punctuation that range-scans the expiry index
 * ({@link StoreNames#HOLD_EXPIRY}) up to now, at most {@value #MAX_EXPIRIES_PER_RUN} per run: no full-store scans on
 * the stream thread.
 * <p>
 * Source slots are applied in topic order, whatever their provenance.eventTime: ingest-service alone decides which
 * version is current, so the view is a pure fold of fhir.slot.v1. Booking events per {@link BookingTransitions}. A
 * booking event for a slot not seen yet is kept and applied once the slot arrives. A source change during a hold keeps the hold. A deleted slot forgets its booking state.
 */
final class EffectiveSlotProcessor implements Processor<String, SlotInput, String, EffectiveSlot> {

    static final int MAX_EXPIRIES_PER_RUN = 10_000;
    private static final byte[] EMPTY = new byte[0];

    private final Duration expiryInterval;
    private final TopologyMetrics metrics;
    private ProcessorContext<String, EffectiveSlot> context;
    private KeyValueStore<String, SlotState> states;
    private KeyValueStore<Bytes, byte[]> expiries;

    EffectiveSlotProcessor(Duration expiryInterval, TopologyMetrics metrics) {
        this.expiryInterval = expiryInterval;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, EffectiveSlot> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SLOT_STATE);
        this.expiries = context.getStateStore(StoreNames.HOLD_EXPIRY);
        context.schedule(expiryInterval, PunctuationType.WALL_CLOCK_TIME, this::expireHolds);
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
            unindex(key, before.booking());
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
        BookingState next = BookingTransitions.apply(old, event, context.currentSystemTimeMs());
        if (next == old) {
            metrics.recordDropped("booking", "stale-or-duplicate");
            return;
        }
        if (!Objects.equals(old.holdExpiresAt(), next.holdExpiresAt()) || !Objects.equals(old.holdId(), next.holdId())) {
            unindex(key, old);
            if (next.holdExpiresAt() != null) {
                expiries.put(ExpiryIndex.key(next.holdExpiresAt(), key), EMPTY);
            }
        }
        FhirSlot source = before == null ? null : before.source();
        states.put(key, new SlotState(source, next));
        if (source != null && !old.sameOverlay(next)) {
            context.forward(new Record<>(key, new EffectiveSlot(source, next, event.getEventTime().toEpochMilli()), record.timestamp()));
        }
    }

    /** Punctuation: lapse every hold whose expiry is &le; now, oldest first. */
    private void expireHolds(long nowMs) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        // collect first: the store is not modified while its iterator is open
        try (KeyValueIterator<Bytes, byte[]> it = expiries.range(ExpiryIndex.lowest(), ExpiryIndex.upTo(nowMs))) {
            while (it.hasNext() && due.size() < MAX_EXPIRIES_PER_RUN) {
                due.add(it.next());
            }
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            expiries.delete(entry.key);
            String slotId = ExpiryIndex.slotIdOf(entry.key);
            long expiry = ExpiryIndex.expiryOf(entry.key);
            SlotState state = states.get(slotId);
            if (state == null || state.booking().holdExpiresAt() == null || state.booking().holdExpiresAt() != expiry) {
                continue; // the hold was already released, replaced or booked
            }
            BookingState next = BookingTransitions.expireHold(state.booking());
            states.put(slotId, new SlotState(state.source(), next));
            metrics.holdExpired();
            if (state.source() != null) {
                context.forward(new Record<>(slotId, new EffectiveSlot(state.source(), next, expiry), nowMs));
            }
        }
    }

    private void unindex(String key, BookingState booking) {
        if (booking.holdExpiresAt() != null) {
            expiries.delete(ExpiryIndex.key(booking.holdExpiresAt(), key));
        }
    }
}
