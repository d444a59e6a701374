package io.slotstream.availability.topology;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.FhirSlot;

/**
 * One record for the effective-slot processor: a fhir.slot.v1 record (a null slot is a tombstone), a
 * booking.events.v1 event, a retirement from {@link SlotRetirement} (all keyed by slot id, co-partitioned), or a
 * Schedule's context, keyed by Schedule id and broadcast to every slot partition.
 */
public sealed interface SlotInput {

    /** A source slot record; {@code slot} null means the slot was deleted. */
    record Source(FhirSlot slot) implements SlotInput {
    }

    /** A booking event; {@code event} null (a null value on the delete-policy topic) is ignored. */
    record Booking(BookingEvent event) implements SlotInput {
    }

    /** The slot ended: remove it from the view if its source end is still {@code endMs} (UTC epoch ms). */
    record Retirement(long endMs) implements SlotInput {
    }

    /** The Schedule's context changed; {@code context} null means the Schedule was deleted. */
    record Context(io.slotstream.availability.store.ScheduleContext context) implements SlotInput {
    }
}
