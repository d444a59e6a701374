package io.slotstream.availability.topology;

import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.avro.FhirSchedule;

/** Result of the slot -> Schedule foreign-key join: an effective slot whose Schedule is known. */
record ScheduledSlot(EffectiveSlot slot, FhirSchedule schedule) {
}
