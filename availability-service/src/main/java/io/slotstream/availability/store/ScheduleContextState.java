package io.slotstream.availability.store;

import io.slotstream.avro.FhirSchedule;

import java.util.List;

/**
 * Per-Schedule state of the schedule-context processor (store {@link StoreNames#SCHEDULE_CONTEXT_STATE}).
 *
 * @param schedule     the Schedule as fhir.schedule.v1 last stated it
 * @param dependencies reference keys ({@link ReferenceKey}) the context was resolved from, known or not yet: exactly
 *                     the entries of this schedule in {@link DependentsIndex}
 * @param context      the context last emitted
 */
public record ScheduleContextState(FhirSchedule schedule, List<String> dependencies, ScheduleContext context) {

    public ScheduleContextState {
        dependencies = List.copyOf(dependencies);
    }
}
