package io.slotstream.availability.topology;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.FhirSlot;

/**
 * One record for the effective-slot processor: either a fhir.slot.v1 record (a null slot is a tombstone) or a
 * booking.events.v1 event. Both topics are keyed by slot id and co-partitioned, so they merge without repartitioning.
 */
public sealed interface SlotInput {

    /** A source slot record; {@code slot} null means the slot was deleted. */
    record Source(FhirSlot slot) implements SlotInput {
    }

    /** A booking event; {@code event} null (a null value on the delete-policy topic) is ignored. */
    record Booking(BookingEvent event) implements SlotInput {
    }
}
