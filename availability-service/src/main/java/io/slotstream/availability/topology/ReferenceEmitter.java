package io.slotstream.availability.topology;

import io.slotstream.availability.store.DependentsIndex;
import io.slotstream.availability.store.ReferenceIds;
import io.slotstream.availability.store.ReferenceKey;
import io.slotstream.availability.store.ScheduleContextState;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.Reference;
import io.slotstream.avro.ReferenceAvailability;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Emits the reference resources of the publication to {@code reference.availability.v1} as the view applied them
 * (design.md, "Truth and ordering": publish-service renders only what availability-service emits), each with the
 * states it belongs to: a Location its own {@code address.state}; a Schedule the states of its context
 * ({@link ScheduleContextResolver}, the same states its slots carry); a PractitionerRole or HealthcareService the
 * states of its own locations. Key {@code Type/id} ({@link ReferenceKey}); null value = deleted.
 * <p>
 * It reads the same input as {@link ScheduleContextProcessor} (schedule changes of its partition, every reference
 * change broadcast to all partitions) and the stores that processor keeps, without depending on which of the two sees
 * a record first: the changed resource itself is taken from the record, everything else from
 * {@link StoreNames#REFERENCE_COPY}. Each resource is emitted by one task only: a Schedule by its own partition,
 * Locations, PractitionerRoles and HealthcareServices by partition {@value #OWNER_PARTITION} (every partition holds
 * all reference data; it is small next to slots). A value equal to the last one emitted is not emitted again (a
 * Location's phone change re-emits the Location once, and its Schedules only when their states change).
 */
final class ReferenceEmitter implements Processor<String, ContextInput, String, ReferenceAvailability> {

    /** The partition whose task emits Locations, PractitionerRoles and HealthcareServices. */
    static final int OWNER_PARTITION = 0;

    private static final byte[] EMPTY = new byte[0];

    private ProcessorContext<String, ReferenceAvailability> context;
    private KeyValueStore<String, ReferenceAvailability> emitted;
    private KeyValueStore<Bytes, byte[]> emissionDependents;
    private KeyValueStore<String, ScheduleContextState> scheduleStates;
    private KeyValueStore<Bytes, byte[]> scheduleDependents;
    private KeyValueStore<String, SpecificRecord> copy;

    @Override
    public void init(ProcessorContext<String, ReferenceAvailability> context) {
        this.context = context;
        this.emitted = context.getStateStore(StoreNames.REFERENCE_EMITTED);
        this.emissionDependents = context.getStateStore(StoreNames.REFERENCE_EMISSION_DEPENDENTS);
        this.scheduleStates = context.getStateStore(StoreNames.SCHEDULE_CONTEXT_STATE);
        this.scheduleDependents = context.getStateStore(StoreNames.SCHEDULE_DEPENDENTS);
        this.copy = context.getStateStore(StoreNames.REFERENCE_COPY);
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
        String key = ReferenceKey.of(ReferenceKey.SCHEDULE, scheduleId);
        if (schedule == null) {
            tombstone(key, timestamp);
        } else {
            emitSchedule(key, schedule, ReferenceData.of(copy), timestamp);
        }
    }

    private void onReference(String referenceKey, SpecificRecord resource, long timestamp) {
        ReferenceData refs = overlay(referenceKey, resource);
        // this partition's schedules whose states may depend on the change
        for (String scheduleId : DependentsIndex.dependentsOf(scheduleDependents, referenceKey)) {
            ScheduleContextState state = scheduleStates.get(scheduleId);
            if (state != null) {
                emitSchedule(ReferenceKey.of(ReferenceKey.SCHEDULE, scheduleId), state.schedule(), refs, timestamp);
            }
        }
        if (context.taskId().partition() != OWNER_PARTITION || resource instanceof FhirPractitioner
                || referenceKey.startsWith(ReferenceKey.PRACTITIONER + "/")) {
            return;
        }
        if (resource == null) {
            ReferenceAvailability before = emitted.get(referenceKey);
            if (before != null) {
                reindex(referenceKey, locationsOf(before.getResource()), List.of());
            }
            tombstone(referenceKey, timestamp);
        } else {
            emitOwned(referenceKey, resource, refs, timestamp);
        }
        if (referenceKey.startsWith(ReferenceKey.LOCATION + "/")) {
            // roles and services at this Location carry its state
            for (String dependent : DependentsIndex.dependentsOf(emissionDependents, referenceKey)) {
                SpecificRecord value = copy.get(dependent);
                if (value != null) {
                    emitOwned(dependent, value, refs, timestamp);
                }
            }
        }
    }

    private void emitSchedule(String key, FhirSchedule schedule, ReferenceData refs, long timestamp) {
        List<String> states = sorted(ScheduleContextResolver.resolve(schedule, refs).context().states());
        emit(new ReferenceAvailability(key, states, schedule), timestamp);
    }

    /** A Location, PractitionerRole or HealthcareService, on the owner partition. */
    private void emitOwned(String key, SpecificRecord resource, ReferenceData refs, long timestamp) {
        List<String> states;
        if (resource instanceof FhirLocation location) {
            states = location.getAddress() == null || location.getAddress().getState() == null ? List.of()
                    : List.of(location.getAddress().getState());
        } else {
            ReferenceAvailability before = emitted.get(key);
            List<String> locations = locationsOf(resource);
            reindex(key, before == null ? List.of() : locationsOf(before.getResource()), locations);
            Set<String> found = new TreeSet<>();
            for (String locationKey : locations) {
                FhirLocation location = refs.location(locationKey.substring(ReferenceKey.LOCATION.length() + 1));
                if (location != null && location.getAddress() != null && location.getAddress().getState() != null) {
                    found.add(location.getAddress().getState());
                }
            }
            states = List.copyOf(found);
        }
        emit(new ReferenceAvailability(key, states, resource), timestamp);
    }

    private void emit(ReferenceAvailability value, long timestamp) {
        if (value.equals(emitted.get(value.getReference()))) {
            return;
        }
        emitted.put(value.getReference(), value);
        context.forward(new Record<>(value.getReference(), value, timestamp));
    }

    private void tombstone(String key, long timestamp) {
        if (emitted.get(key) != null) {
            emitted.delete(key);
            context.forward(new Record<>(key, (ReferenceAvailability) null, timestamp));
        }
    }

    private void reindex(String dependent, List<String> before, List<String> after) {
        Set<String> keep = new HashSet<>(after);
        for (String location : before) {
            if (!keep.contains(location)) {
                emissionDependents.delete(DependentsIndex.key(location, dependent));
            }
        }
        for (String location : after) {
            emissionDependents.put(DependentsIndex.key(location, dependent), EMPTY);
        }
    }

    /** @return the Location keys a PractitionerRole or HealthcareService names; empty for other resources */
    private static List<String> locationsOf(Object resource) {
        List<Reference> references = switch (resource) {
            case FhirPractitionerRole role -> role.getLocation();
            case FhirHealthcareService service -> service.getLocation();
            case null, default -> List.of();
        };
        Set<String> keys = new TreeSet<>();
        for (Reference reference : references) {
            String id = ReferenceIds.idOf(reference.getReference(), ReferenceKey.LOCATION);
            if (id != null) {
                keys.add(ReferenceKey.of(ReferenceKey.LOCATION, id));
            }
        }
        return List.copyOf(keys);
    }

    private static List<String> sorted(List<String> states) {
        return List.copyOf(new TreeSet<>(states));
    }

    /** The reference copy with the change being processed applied, whichever processor updates the copy first. */
    private ReferenceData overlay(String changedKey, SpecificRecord changed) {
        ReferenceData stored = ReferenceData.of(copy);
        return new ReferenceData() {
            @Override
            public FhirLocation location(String id) {
                return pick(ReferenceKey.LOCATION, id, FhirLocation.class, stored.location(id));
            }

            @Override
            public FhirPractitionerRole practitionerRole(String id) {
                return pick(ReferenceKey.PRACTITIONER_ROLE, id, FhirPractitionerRole.class, stored.practitionerRole(id));
            }

            @Override
            public FhirHealthcareService healthcareService(String id) {
                return pick(ReferenceKey.HEALTHCARE_SERVICE, id, FhirHealthcareService.class,
                        stored.healthcareService(id));
            }

            @Override
            public FhirPractitioner practitioner(String id) {
                return pick(ReferenceKey.PRACTITIONER, id, FhirPractitioner.class, stored.practitioner(id));
            }

            private <T> T pick(String type, String id, Class<T> cls, T fromCopy) {
                if (id == null || !changedKey.equals(ReferenceKey.of(type, id))) {
                    return fromCopy;
                }
                return cls.isInstance(changed) ? cls.cast(changed) : null;
            }
        };
    }
}
