package io.slotstream.publish.ndjson;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreChange;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.schemas.booking.BookingDeepLinks;
import io.slotstream.schemas.slot.SlotJsonWriter;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.Resource;

import java.nio.charset.StandardCharsets;

/**
 * Turns a consumed record (or tombstone) into the {@link StoreChange} the store keeps: the NDJSON line is rendered
 * once, when the change arrives, so cutting a snapshot is a byte copy. Slots go through {@link SlotJsonWriter} (hot
 * path); Locations, Schedules and PractitionerRoles through {@link FhirAvroMapper} and HAPI's JSON encoder (few,
 * and lossless). Thread-safe.
 */
public final class ResourceRenderer {

    /** Bump when the rendering of any line changes, so stores rebuild (see {@link #fingerprint()}). */
    private static final String RENDER_VERSION = "1";

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
     * @param type  the topic's resource type
     * @param key   the Kafka key (canonical id)
     * @param value the record, null for a tombstone
     * @throws IllegalArgumentException when the record is not of the type's class
     */
    public StoreChange render(ResourceType type, String key, SpecificRecord value) {
        if (value == null) {
            return StoreChange.delete(type, key);
        }
        return switch (value) {
            case SlotAvailability slot when type == ResourceType.SLOT ->
                    new StoreChange(type, key, SlotRules.group(slot), slots.write(slot));
            case FhirLocation location when type == ResourceType.LOCATION ->
                    new StoreChange(type, key, locationState(location), encode(mapper.toFhir(location), key));
            case FhirSchedule schedule when type == ResourceType.SCHEDULE ->
                    new StoreChange(type, key, "", encode(mapper.toFhir(schedule), key));
            case FhirPractitionerRole role when type == ResourceType.PRACTITIONER_ROLE ->
                    new StoreChange(type, key, "", encode(mapper.toFhir(role), key));
            default -> throw new IllegalArgumentException(
                    "cannot render " + value.getClass().getSimpleName() + " as " + type.fhirType());
        };
    }

    private static String locationState(FhirLocation location) {
        if (location.getAddress() == null || location.getAddress().getState() == null) {
            return "";
        }
        return SlotRules.states(java.util.List.of(location.getAddress().getState()));
    }

    private byte[] encode(Resource resource, String key) {
        // The published id is the canonical key, never a versioned id.
        resource.setId(key);
        return fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    }
}
