package io.slotstream.schemas.slot;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.ContactPoint;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Identifier;
import io.slotstream.avro.Period;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.booking.BookingDeepLinks;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import io.slotstream.schemas.mapping.SlotStatusCodes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Hot-path writer of published Slots: one minified FHIR R4 JSON object per call, written with Jackson streaming
 * instead of HAPI (5-8x faster, toolchain-notes §4; design.md "Hot path"). The output is the JSON of
 * {@link PublishedSlot#toFhir} in HAPI's element order, with HAPI's rule that empty elements are omitted;
 * {@code SlotJsonWriterEquivalenceTest} proves every line parses with HAPI to the same resource. Thread-safe.
 */
public final class SlotJsonWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private final PatientTypeDefault patientType;
    private final BookingDeepLinks deepLinks;

    public SlotJsonWriter(PatientTypeDefault patientType) {
        this(patientType, null);
    }

    /**
     * @param deepLinks Slotstream's signed booking deep links for free slots whose source has no portal of its own;
     *                  null for none
     */
    public SlotJsonWriter(PatientTypeDefault patientType, BookingDeepLinks deepLinks) {
        this.patientType = patientType;
        this.deepLinks = deepLinks;
    }

    /** @return the Slot as UTF-8 JSON, no trailing newline */
    public byte[] write(SlotAvailability view) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(view, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void write(SlotAvailability view, JsonGenerator json) throws IOException {
        FhirSlot source = view.getSlot();
        json.writeStartObject();
        json.writeStringField("resourceType", "Slot");
        json.writeStringField("id", view.getSlotId());
        json.writeArrayFieldStart("extension");
        String deepLink = deepLink(view, deepLinks);
        if (deepLink != null) {
            extensionStart(json, SchedulingExtensions.BOOKING_DEEP_LINK);
            json.writeStringField("valueUrl", deepLink);
            json.writeEndObject();
        }
        if (view.getBookingPhone() != null && !empty(view.getBookingPhone())) {
            extensionStart(json, SchedulingExtensions.BOOKING_PHONE);
            json.writeFieldName("valueContactPoint");
            contactPoint(json, view.getBookingPhone());
            json.writeEndObject();
        }
        extensionStart(json, SchedulingExtensions.PATIENT_TYPE);
        json.writeFieldName("valueCoding");
        coding(json, patientType.orDefault(view.getPatientType()));
        json.writeEndObject();
        json.writeEndArray();
        identifiers(json, source.getIdentifier());
        concepts(json, "serviceCategory", source.getServiceCategory());
        concepts(json, "serviceType", view.getServiceType());
        concepts(json, "specialty", source.getSpecialty());
        if (view.getAppointmentType() != null && !empty(view.getAppointmentType())) {
            json.writeFieldName("appointmentType");
            concept(json, view.getAppointmentType());
        }
        json.writeObjectFieldStart("schedule");
        json.writeStringField("reference", "Schedule/" + view.getScheduleId());
        json.writeEndObject();
        json.writeStringField("status", SlotStatusCodes.toCode(view.getEffectiveStatus()));
        json.writeStringField("start", FhirInstants.format(view.getStart(), view.getStartOffsetSeconds()));
        json.writeStringField("end", FhirInstants.format(view.getEnd(), view.getEndOffsetSeconds()));
        if (source.getOverbooked() != null) {
            json.writeBooleanField("overbooked", source.getOverbooked());
        }
        stringField(json, "comment", source.getComment());
        json.writeEndObject();
    }

    private static void extensionStart(JsonGenerator json, String url) throws IOException {
        json.writeStartObject();
        json.writeStringField("url", url);
    }

    private static void identifiers(JsonGenerator json, List<Identifier> identifiers) throws IOException {
        if (identifiers.stream().allMatch(SlotJsonWriter::empty)) {
            return;
        }
        json.writeArrayFieldStart("identifier");
        for (Identifier identifier : identifiers) {
            if (empty(identifier)) {
                continue;
            }
            json.writeStartObject();
            stringField(json, "use", identifier.getUse());
            if (identifier.getType() != null && !empty(identifier.getType())) {
                json.writeFieldName("type");
                concept(json, identifier.getType());
            }
            stringField(json, "system", identifier.getSystem());
            stringField(json, "value", identifier.getValue());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void concepts(JsonGenerator json, String field, List<CodeableConcept> concepts) throws IOException {
        if (concepts.stream().allMatch(SlotJsonWriter::empty)) {
            return;
        }
        json.writeArrayFieldStart(field);
        for (CodeableConcept concept : concepts) {
            if (!empty(concept)) {
                concept(json, concept);
            }
        }
        json.writeEndArray();
    }

    private static void concept(JsonGenerator json, CodeableConcept concept) throws IOException {
        json.writeStartObject();
        if (!concept.getCoding().stream().allMatch(SlotJsonWriter::empty)) {
            json.writeArrayFieldStart("coding");
            for (Coding coding : concept.getCoding()) {
                if (!empty(coding)) {
                    coding(json, coding);
                }
            }
            json.writeEndArray();
        }
        stringField(json, "text", concept.getText());
        json.writeEndObject();
    }

    private static void coding(JsonGenerator json, Coding coding) throws IOException {
        json.writeStartObject();
        stringField(json, "system", coding.getSystem());
        stringField(json, "version", coding.getVersion());
        stringField(json, "code", coding.getCode());
        stringField(json, "display", coding.getDisplay());
        if (coding.getUserSelected() != null) {
            json.writeBooleanField("userSelected", coding.getUserSelected());
        }
        json.writeEndObject();
    }

    private static void contactPoint(JsonGenerator json, ContactPoint point) throws IOException {
        json.writeStartObject();
        stringField(json, "system", point.getSystem());
        stringField(json, "value", point.getValue());
        stringField(json, "use", point.getUse());
        if (point.getRank() != null) {
            json.writeNumberField("rank", point.getRank());
        }
        Period period = point.getPeriod();
        if (period != null && (period.getStart() != null || period.getEnd() != null)) {
            json.writeObjectFieldStart("period");
            if (period.getStart() != null) {
                json.writeStringField("start", FhirInstants.dateTime(period.getStart()));
            }
            if (period.getEnd() != null) {
                json.writeStringField("end", FhirInstants.dateTime(period.getEnd()));
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void stringField(JsonGenerator json, String name, String value) throws IOException {
        if (has(value)) {
            json.writeStringField(name, value);
        }
    }

    /**
     * @return the booking-deep-link of a published slot: the source's own (its portal), else Slotstream's signed link
     * to booking-bridge while the slot is free, else null
     */
    static String deepLink(SlotAvailability view, BookingDeepLinks deepLinks) {
        if (has(view.getBookingDeepLink())) {
            return view.getBookingDeepLink();
        }
        if (deepLinks == null || view.getEffectiveStatus() != SlotStatus.FREE) {
            return null;
        }
        return deepLinks.linkFor(view.getSlotId(), view.getStart(), view.getEnd());
    }

    static boolean has(String value) {
        return value != null && !value.isEmpty();
    }

    static boolean empty(Coding c) {
        return !has(c.getSystem()) && !has(c.getVersion()) && !has(c.getCode()) && !has(c.getDisplay())
                && c.getUserSelected() == null;
    }

    static boolean empty(CodeableConcept c) {
        return c.getCoding().stream().allMatch(SlotJsonWriter::empty) && !has(c.getText());
    }

    static boolean empty(Identifier i) {
        return !has(i.getUse()) && (i.getType() == null || empty(i.getType())) && !has(i.getSystem()) && !has(i.getValue());
    }

    static boolean empty(ContactPoint p) {
        return !has(p.getSystem()) && !has(p.getValue()) && !has(p.getUse()) && p.getRank() == null
                && (p.getPeriod() == null || (p.getPeriod().getStart() == null && p.getPeriod().getEnd() == null));
    }
}
