package io.slotstream.availability.topology;

import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.ScheduleContext;

/** Result of the slot -> schedule-context foreign-key join: an effective slot whose Schedule is known. */
record ScheduledSlot(EffectiveSlot slot, ScheduleContext context) {
}
