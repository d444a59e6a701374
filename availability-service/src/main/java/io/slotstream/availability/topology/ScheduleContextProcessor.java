package io.slotstream.availability.topology;

import io.slotstream.availability.store.DependentsIndex;
import io.slotstream.availability.store.ScheduleContext;
import io.slotstream.availability.store.ScheduleContextState;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.Provenance;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Schedule-partition processor that keeps the {@link ScheduleContext} of every Schedule of its partition and forwards
 * it (keyed by Schedule id; null when the Schedule is deleted) whenever it changes. Its inputs are the Schedule
 * changes of its partition and every reference change (Location, PractitionerRole, HealthcareService, Practitioner),
 * broadcast to all partitions and kept in {@link StoreNames#REFERENCE_COPY}. A reverse index
 * ({@link StoreNames#SCHEDULE_DEPENDENTS}: reference -> schedules, including references not received yet) finds the
 * schedules a reference change can affect by one range scan; only those are resolved again, and only a context that
 * differs is forwarded (a Location's phone number changes nothing downstream). Work per reference change is
 * proportional to the schedules that use it, never to the view.
 */
final class ScheduleContextProcessor implements Processor<String, ContextInput, String, ScheduleContext> {

    private ProcessorContext<String, ScheduleContext> context;
    private KeyValueStore<String, ScheduleContextState> states;
    private KeyValueStore<Bytes, byte[]> dependents;
    private KeyValueStore<String, SpecificRecord> references;
    private ReferenceData refs;

    private static final byte[] EMPTY = new byte[0];

    @Override
    public void init(ProcessorContext<String, ScheduleContext> context) {
        this.context = context;
        this.states = context.getStateStore(StoreNames.SCHEDULE_CONTEXT_STATE);
        this.dependents = context.getStateStore(StoreNames.SCHEDULE_DEPENDENTS);
        this.references = context.getStateStore(StoreNames.REFERENCE_COPY);
        this.refs = ReferenceData.of(references);
    }

    @Override
    public void process(Record<String, ContextInput> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        switch (record.value()) {
            case ContextInput.Schedule(FhirSchedule schedule) -> onSchedule(record.key(), schedule, record.timestamp());
            case ContextInput.ReferenceChange(SpecificRecord resource) -> onReference(record.key(), resource,
                    record.timestamp());
        }
    }

    private void onSchedule(String scheduleId, FhirSchedule schedule, long timestamp) {
        ScheduleContextState before = states.get(scheduleId);
        if (schedule == null) {
            if (before != null) {
                reindex(scheduleId, before.dependencies(), List.of());
                states.delete(scheduleId);
                context.forward(new Record<>(scheduleId, (ScheduleContext) null, timestamp));
            }
            return;
        }
        update(scheduleId, schedule, before, eventTime(schedule.getProvenance(), timestamp));
    }

    private void onReference(String referenceKey, SpecificRecord resource, long timestamp) {
        if (resource == null) {
            references.delete(referenceKey);
        } else {
            references.put(referenceKey, resource);
        }
        // collected first: the index is modified while the schedules are resolved again
        List<String> affected = DependentsIndex.dependentsOf(dependents, referenceKey);
        long cause = timestamp;
        if (resource != null && resource.getSchema().getField("provenance") != null) {
            cause = eventTime((Provenance) resource.get(resource.getSchema().getField("provenance").pos()), timestamp);
        }
        for (String scheduleId : affected) {
            ScheduleContextState before = states.get(scheduleId);
            if (before != null) {
                update(scheduleId, before.schedule(), before, cause);
            }
        }
    }

    private void update(String scheduleId, FhirSchedule schedule, ScheduleContextState before, long causeTimeMs) {
        ScheduleContextResolver.Resolved resolved = ScheduleContextResolver.resolve(schedule, refs);
        reindex(scheduleId, before == null ? List.of() : before.dependencies(), resolved.dependencies());
        states.put(scheduleId, new ScheduleContextState(schedule, resolved.dependencies(), resolved.context()));
        if (before == null || !before.context().equals(resolved.context())) {
            context.forward(new Record<>(scheduleId, resolved.context(), causeTimeMs));
        }
    }

    private void reindex(String scheduleId, List<String> before, List<String> after) {
        Set<String> keep = new HashSet<>(after);
        for (String key : before) {
            if (!keep.contains(key)) {
                dependents.delete(DependentsIndex.key(key, scheduleId));
            }
        }
        Set<String> had = new HashSet<>(before);
        for (String key : after) {
            if (!had.contains(key)) {
                dependents.put(DependentsIndex.key(key, scheduleId), EMPTY);
            }
        }
    }

    private static long eventTime(Provenance provenance, long fallback) {
        return provenance == null || provenance.getEventTime() == null ? fallback : provenance.getEventTime().toEpochMilli();
    }
}
