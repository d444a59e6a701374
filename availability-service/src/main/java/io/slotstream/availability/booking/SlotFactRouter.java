package io.slotstream.availability.booking;

import io.slotstream.availability.store.ReferenceIds;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Slot-partitioned: turns fhir.slot.v1 records into {@link SlotFact}s keyed by Schedule id, so that the decision point
 * (Schedule-partitioned) knows the source state of every slot it decides on. Remembers each slot's Schedule
 * ({@link BookingStores#SLOT_SCHEDULE}) so that a delete, or a move to another Schedule, reaches the old owner too.
 * A slot without a Schedule reference cannot be booked and is not forwarded.
 */
final class SlotFactRouter implements Processor<String, FhirSlot, String, SlotFact> {

    private ProcessorContext<String, SlotFact> context;
    private KeyValueStore<String, String> schedules;

    @Override
    public void init(ProcessorContext<String, SlotFact> context) {
        this.context = context;
        this.schedules = context.getStateStore(BookingStores.SLOT_SCHEDULE);
    }

    @Override
    public void process(Record<String, FhirSlot> record) {
        String slotId = record.key();
        if (slotId == null) {
            return;
        }
        String previous = schedules.get(slotId);
        FhirSlot slot = record.value();
        String scheduleId = slot == null ? null : ReferenceIds.idOf(slot.getSchedule().getReference(), "Schedule");
        if (previous != null && !previous.equals(scheduleId)) {
            context.forward(record.withKey(previous).withValue(new SlotFact(slotId, previous, null, 0, 0)));
        }
        if (scheduleId == null) {
            schedules.delete(slotId);
            return;
        }
        schedules.put(slotId, scheduleId);
        context.forward(record.withKey(scheduleId).withValue(new SlotFact(slotId, scheduleId, slot.getStatus(),
                slot.getStart().toEpochMilli(), slot.getEnd().toEpochMilli())));
    }
}
