package io.slotstream.publish.ndjson;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.ReferenceAvailability;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreChange;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.schemas.booking.BookingDeepLinks;
import io.slotstream.schemas.slot.SlotJsonWriter;
import org.hl7.fhir.r4.model.Resource;

import java.nio.charset.StandardCharsets;

/**
 * Turns a consumed record (or tombstone) into the {@link StoreChange} the store keeps: the NDJSON line is rendered
 * once, when the change arrives, so cutting a snapshot is a byte copy. Slots ({@code slot.availability.v1}) go
 * through {@link SlotJsonWriter} (hot path); the reference resources of {@code reference.availability.v1} (Location,
 * Schedule, PractitionerRole, HealthcareService) through {@link FhirAvroMapper} and HAPI's JSON encoder (few, and
 * lossless), grouped by the states the view gave them. Thread-safe.
 */
public final class ResourceRenderer {

    /** Bump when the rendering of any line changes, so stores rebuild (see {@link #fingerprint()}). */
    private static final String RENDER_VERSION = "2";

    private final FhirContext fhir;
    private final FhirAvroMapper mapper;
    private final SlotJsonWriter slots;
    private final PatientTypeDefault patientType;
    private final BookingDeepLinks deepLinks;

    public ResourceRenderer(FhirContext fhir, PatientTypeDefault patientType) {
        this(fhir, patientType, null);
    }

    /** @param deepLinks Slotstream's signed booking deep links for slots without a portal of their own; null: none */
    public ResourceRenderer(FhirContext fhir, PatientTypeDefault patientType, BookingDeepLinks deepLinks) {
        this.fhir = fhir;
        this.mapper = new FhirAvroMapper(fhir);
        this.slots = new SlotJsonWriter(patientType, deepLinks);
        this.patientType = patientType;
        this.deepLinks = deepLinks;
    }

    /** @return what the rendered lines depend on besides the records; a store built with another one is rebuilt */
    public String fingerprint() {
        return RENDER_VERSION + "|" + patientType.code() + "|" + patientType.display()
                + (deepLinks == null ? "" : "|" + deepLinks.fingerprint());
    }

    /**
     * A {@code slot.availability.v1} record.
     *
     * @param key  the Kafka key (canonical Slot id)
     * @param slot the record, null for a tombstone
     */
    public StoreChange renderSlot(String key, SlotAvailability slot) {
        if (slot == null) {
            return StoreChange.delete(ResourceType.SLOT, key);
        }
        return new StoreChange(ResourceType.SLOT, key, SlotRules.group(slot), slots.write(slot));
    }

    /**
     * A {@code reference.availability.v1} record: the resource with the canonical id, in the group of its states.
     *
     * @param key       the Kafka key, {@code Type/id}
     * @param reference the record, null for a tombstone
     * @throws IllegalArgumentException for a key that is not {@code Type/id} of a published type, or a resource that is
     *                                  not of the key's type
     */
    public StoreChange renderReference(String key, ReferenceAvailability reference) {
        int slash = key.indexOf('/');
        ResourceType type = slash <= 0 ? null : ResourceType.ofFhirType(key.substring(0, slash));
        if (type == null || type == ResourceType.SLOT || slash == key.length() - 1) {
            throw new IllegalArgumentException("not a Type/id key of a published reference type: " + key);
        }
        String id = key.substring(slash + 1);
        if (reference == null) {
            return StoreChange.delete(type, id);
        }
        Resource resource = switch (reference.getResource()) {
            case FhirLocation location when type == ResourceType.LOCATION -> mapper.toFhir(location);
            case FhirSchedule schedule when type == ResourceType.SCHEDULE -> mapper.toFhir(schedule);
            case FhirPractitionerRole role when type == ResourceType.PRACTITIONER_ROLE -> mapper.toFhir(role);
            case FhirHealthcareService service when type == ResourceType.HEALTHCARE_SERVICE -> mapper.toFhir(service);
            default -> throw new IllegalArgumentException(
                    "cannot render " + reference.getResource().getClass().getSimpleName() + " as " + type.fhirType());
        };
        return new StoreChange(type, id, SlotRules.states(reference.getStates()), encode(resource, id));
    }

    private byte[] encode(Resource resource, String key) {
        // The published id is the canonical key, never a versioned id.
        resource.setId(key);
        return fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    }
}
