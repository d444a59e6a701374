package io.slotstream.availability.topology;

import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Lookups in the global stores (GlobalKTables over fhir.location.v1, fhir.practitioner-role.v1,
 * fhir.healthcare-service.v1, fhir.practitioner.v1) by canonical id; null when unknown. Global stores are read-only
 * from a stream processor and may hold {@link ValueAndTimestamp} wrappers, which are unwrapped here.
 */
public interface ReferenceData {

    FhirLocation location(String id);

    FhirPractitionerRole practitionerRole(String id);

    FhirHealthcareService healthcareService(String id);

    FhirPractitioner practitioner(String id);

    /** @return lookups in the global stores named in {@link StoreNames}, as the processor context exposes them */
    static ReferenceData fromGlobalStores(ProcessorContext<?, ?> context) {
        ReadOnlyKeyValueStore<String, Object> locations = context.getStateStore(StoreNames.LOCATIONS);
        ReadOnlyKeyValueStore<String, Object> roles = context.getStateStore(StoreNames.PRACTITIONER_ROLES);
        ReadOnlyKeyValueStore<String, Object> services = context.getStateStore(StoreNames.HEALTHCARE_SERVICES);
        ReadOnlyKeyValueStore<String, Object> practitioners = context.getStateStore(StoreNames.PRACTITIONERS);
        return new ReferenceData() {
            @Override
            public FhirLocation location(String id) {
                return get(locations, id, FhirLocation.class);
            }

            @Override
            public FhirPractitionerRole practitionerRole(String id) {
                return get(roles, id, FhirPractitionerRole.class);
            }

            @Override
            public FhirHealthcareService healthcareService(String id) {
                return get(services, id, FhirHealthcareService.class);
            }

            @Override
            public FhirPractitioner practitioner(String id) {
                return get(practitioners, id, FhirPractitioner.class);
            }
        };
    }

    private static <T> T get(ReadOnlyKeyValueStore<String, Object> store, String id, Class<T> type) {
        if (id == null) {
            return null;
        }
        Object value = store.get(id);
        if (value instanceof ValueAndTimestamp<?> timestamped) {
            value = timestamped.value();
        }
        return type.isInstance(value) ? type.cast(value) : null;
    }
}
