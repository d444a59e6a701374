package io.slotstream.availability.topology;

import io.slotstream.availability.store.ReferenceKey;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Lookups of reference resources by canonical id; null when unknown (not received yet, or deleted).
 */
interface ReferenceData {

    FhirLocation location(String id);

    FhirPractitionerRole practitionerRole(String id);

    FhirHealthcareService healthcareService(String id);

    FhirPractitioner practitioner(String id);

    /** @return lookups in the {@link StoreNames#REFERENCE_COPY} store (keys per {@link ReferenceKey}) */
    static ReferenceData of(ReadOnlyKeyValueStore<String, SpecificRecord> copy) {
        return new ReferenceData() {
            @Override
            public FhirLocation location(String id) {
                return get(ReferenceKey.LOCATION, id, FhirLocation.class);
            }

            @Override
            public FhirPractitionerRole practitionerRole(String id) {
                return get(ReferenceKey.PRACTITIONER_ROLE, id, FhirPractitionerRole.class);
            }

            @Override
            public FhirHealthcareService healthcareService(String id) {
                return get(ReferenceKey.HEALTHCARE_SERVICE, id, FhirHealthcareService.class);
            }

            @Override
            public FhirPractitioner practitioner(String id) {
                return get(ReferenceKey.PRACTITIONER, id, FhirPractitioner.class);
            }

            private <T> T get(String type, String id, Class<T> cls) {
                if (id == null) {
                    return null;
                }
                SpecificRecord value = copy.get(ReferenceKey.of(type, id));
                return cls.isInstance(value) ? cls.cast(value) : null;
            }
        };
    }
}
