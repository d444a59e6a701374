package io.slotstream.ingest.intake;

import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

import java.util.Arrays;
import java.util.Optional;

/** The six FHIR resource types ingest accepts, each with its HAPI class and its topic (design.md catalogue). */
public enum ResourceKind {
    LOCATION("Location", Location.class, Topics.LOCATION),
    SCHEDULE("Schedule", Schedule.class, Topics.SCHEDULE),
    SLOT("Slot", Slot.class, Topics.SLOT),
    PRACTITIONER_ROLE("PractitionerRole", PractitionerRole.class, Topics.PRACTITIONER_ROLE),
    PRACTITIONER("Practitioner", Practitioner.class, Topics.PRACTITIONER),
    HEALTHCARE_SERVICE("HealthcareService", HealthcareService.class, Topics.HEALTHCARE_SERVICE);

    private final String fhirType;
    private final Class<? extends Resource> modelClass;
    private final Topic<? extends SpecificRecord> topic;

    ResourceKind(String fhirType, Class<? extends Resource> modelClass, Topic<? extends SpecificRecord> topic) {
        this.fhirType = fhirType;
        this.modelClass = modelClass;
        this.topic = topic;
    }

    /** @return the kind whose FHIR type name is exactly {@code fhirType} (case-sensitive, as FHIR is) */
    public static Optional<ResourceKind> of(String fhirType) {
        return Arrays.stream(values()).filter(k -> k.fhirType.equals(fhirType)).findFirst();
    }

    public String fhirType() {
        return fhirType;
    }

    public Class<? extends Resource> modelClass() {
        return modelClass;
    }

    public Topic<? extends SpecificRecord> topic() {
        return topic;
    }
}
