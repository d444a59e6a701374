package io.slotstream.availability.topology;

import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.ScheduleContext;

/** An effective slot joined with its Schedule's context (EffectiveSlotProcessor; the context is never null). */
record ScheduledSlot(EffectiveSlot slot, ScheduleContext context) {
}
