package io.slotstream.availability.topology;

import io.slotstream.avro.FhirSchedule;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record for the schedule-context processor: a fhir.schedule.v1 change (keyed by Schedule id) or a broadcast
 * reference change (keyed by {@link io.slotstream.availability.store.ReferenceKey}).
 */
sealed interface ContextInput {

    /** {@code schedule} null: the Schedule was deleted. */
    record Schedule(FhirSchedule schedule) implements ContextInput {
    }

    /** {@code resource} null: the resource was deleted. */
    record ReferenceChange(SpecificRecord resource) implements ContextInput {
    }
}
