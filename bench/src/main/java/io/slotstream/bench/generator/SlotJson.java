package io.slotstream.bench.generator;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * Writes a {@link GeneratedSlot} as a minified FHIR R4 Slot (SMART Scheduling Links STU1 profile) with Jackson
 * streaming, in HAPI's element order: resourceType, id, extension (booking-deep-link valueUrl, booking-phone
 * valueContactPoint, patient-type valueCoding), schedule, status, start, end. Stateless and thread-safe.
 */
public final class SlotJson {

    /** STU1 §6.1 extension URLs. */
    public static final String BOOKING_DEEP_LINK = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link";
    public static final String BOOKING_PHONE = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone";
    public static final String PATIENT_TYPE = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type";
    public static final String ACCEPTING_PATIENTS = "http://terminology.hl7.org/CodeSystem/accepting-patients";

    private SlotJson() {
    }

    /** Writes one Slot object at the generator's current position (no separator, no newline). */
    public static void write(GeneratedSlot slot, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("resourceType", "Slot");
        json.writeStringField("id", slot.id());
        json.writeArrayFieldStart("extension");
        json.writeStartObject();
        json.writeStringField("url", BOOKING_DEEP_LINK);
        json.writeStringField("valueUrl", slot.bookingDeepLink());
        json.writeEndObject();
        json.writeStartObject();
        json.writeStringField("url", BOOKING_PHONE);
        json.writeObjectFieldStart("valueContactPoint");
        json.writeStringField("system", "phone");
        json.writeStringField("value", slot.bookingPhone());
        json.writeEndObject();
        json.writeEndObject();
        json.writeStartObject();
        json.writeStringField("url", PATIENT_TYPE);
        json.writeObjectFieldStart("valueCoding");
        json.writeStringField("system", ACCEPTING_PATIENTS);
        json.writeStringField("code", slot.patientType());
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndArray();
        json.writeObjectFieldStart("schedule");
        json.writeStringField("reference", "Schedule/" + slot.scheduleId());
        json.writeEndObject();
        json.writeStringField("status", slot.status());
        json.writeStringField("start", slot.start());
        json.writeStringField("end", slot.end());
        json.writeEndObject();
    }
}
