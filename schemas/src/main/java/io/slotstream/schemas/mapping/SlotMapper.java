package io.slotstream.schemas.mapping;

import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.UrlType;

import java.util.ArrayList;
import java.util.List;

import static io.slotstream.schemas.fhir.SchedulingExtensions.BOOKING_DEEP_LINK;
import static io.slotstream.schemas.fhir.SchedulingExtensions.BOOKING_PHONE;
import static io.slotstream.schemas.fhir.SchedulingExtensions.PATIENT_TYPE;

/** Slot per the SMART Scheduling Links STU1 Slot profile (§5.3) with its STU1 extensions (§6.1). */
final class SlotMapper extends ResourceMapper<Slot, FhirSlot> {

    private static final List<TypedExtension> TYPED_EXTENSIONS = List.of(
            new TypedExtension(BOOKING_DEEP_LINK, UrlType.class, false),
            new TypedExtension(BOOKING_PHONE, ContactPoint.class, false),
            new TypedExtension(PATIENT_TYPE, Coding.class, false));

    SlotMapper(DatatypeMapper types, ExtensionCodec extensions, Residuals residuals) {
        super(Slot.class, types, extensions, residuals);
    }

    @Override
    protected FhirSlot project(Slot slot, String id, Provenance provenance) {
        requireElements(slot, id);
        ExtensionSplit split = extensions.split(slot, TYPED_EXTENSIONS);
        UrlType deepLink = split.single(BOOKING_DEEP_LINK, UrlType.class);
        ContactPoint phone = split.single(BOOKING_PHONE, ContactPoint.class);
        Coding patientType = split.single(PATIENT_TYPE, Coding.class);
        return FhirSlot.newBuilder()
                .setId(id)
                .setProvenance(provenance)
                .setIdentifier(types.list(slot.hasIdentifier() ? slot.getIdentifier() : List.of(), types::identifier))
                .setServiceCategory(types.list(slot.hasServiceCategory() ? slot.getServiceCategory() : List.of(), types::codeableConcept))
                .setServiceType(types.list(slot.hasServiceType() ? slot.getServiceType() : List.of(), types::codeableConcept))
                .setSpecialty(types.list(slot.hasSpecialty() ? slot.getSpecialty() : List.of(), types::codeableConcept))
                .setAppointmentType(slot.hasAppointmentType() ? types.codeableConcept(slot.getAppointmentType()) : null)
                .setSchedule(types.reference(slot.getSchedule()))
                .setStatus(SlotStatusCodes.fromCode(statusCode(slot)))
                .setStart(FhirTime.toInstant(slot.getStartElement()))
                .setStartOffsetSeconds(FhirTime.offsetSeconds(slot.getStartElement()))
                .setEnd(FhirTime.toInstant(slot.getEndElement()))
                .setEndOffsetSeconds(FhirTime.offsetSeconds(slot.getEndElement()))
                .setOverbooked(slot.hasOverbookedElement() ? slot.getOverbookedElement().getValue() : null)
                .setComment(slot.getComment())
                .setBookingDeepLink(deepLink == null ? null : deepLink.getValue())
                .setBookingPhone(phone == null ? null : types.contactPoint(phone))
                .setPatientType(patientType == null ? null : types.coding(patientType))
                .setExtensions(split.unknown())
                .setResidualJson(null)
                .build();
    }

    @Override
    protected void fill(FhirSlot record, Slot target, FromResidual residual) {
        residual.orTyped("identifier", () -> record.getIdentifier().forEach(i -> target.addIdentifier(types.identifier(i))));
        residual.orTyped("serviceCategory", () -> record.getServiceCategory().forEach(c -> target.addServiceCategory(types.codeableConcept(c))));
        residual.orTyped("serviceType", () -> record.getServiceType().forEach(c -> target.addServiceType(types.codeableConcept(c))));
        residual.orTyped("specialty", () -> record.getSpecialty().forEach(c -> target.addSpecialty(types.codeableConcept(c))));
        residual.orTyped("appointmentType", () -> {
            if (record.getAppointmentType() != null) {
                target.setAppointmentType(types.codeableConcept(record.getAppointmentType()));
            }
        });
        residual.orTyped("schedule", () -> target.setSchedule(types.reference(record.getSchedule())));
        residual.orTyped("status", () -> target.setStatus(Slot.SlotStatus.fromCode(SlotStatusCodes.toCode(record.getStatus()))));
        residual.orTyped("start", () -> target.setStartElement(FhirTime.instant(record.getStart(), record.getStartOffsetSeconds())));
        residual.orTyped("end", () -> target.setEndElement(FhirTime.instant(record.getEnd(), record.getEndOffsetSeconds())));
        residual.orTyped("overbooked", () -> {
            if (record.getOverbooked() != null) {
                target.setOverbooked(record.getOverbooked());
            }
        });
        residual.orTyped("comment", () -> target.setComment(record.getComment()));
        List<Extension> typed = new ArrayList<>();
        if (record.getBookingDeepLink() != null) {
            typed.add(ExtensionCodec.typed(BOOKING_DEEP_LINK, new UrlType(record.getBookingDeepLink())));
        }
        if (record.getBookingPhone() != null) {
            typed.add(ExtensionCodec.typed(BOOKING_PHONE, types.contactPoint(record.getBookingPhone())));
        }
        if (record.getPatientType() != null) {
            typed.add(ExtensionCodec.typed(PATIENT_TYPE, types.coding(record.getPatientType())));
        }
        fillExtensions(target, typed, record.getExtensions(), residual);
    }

    private static String statusCode(Slot slot) {
        return slot.hasStatusElement() ? slot.getStatusElement().getValueAsString() : null;
    }

    /** The elements FhirSlot cannot be without (all 1..1 in FHIR R4 and STU1 §5.3). */
    private static void requireElements(Slot slot, String id) {
        List<String> missing = new ArrayList<>();
        if (!slot.hasSchedule()) {
            missing.add("Slot.schedule");
        }
        if (statusCode(slot) == null) {
            missing.add("Slot.status");
        }
        if (slot.getStart() == null) {
            missing.add("Slot.start");
        }
        if (slot.getEnd() == null) {
            missing.add("Slot.end");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("Slot " + id + " lacks required " + String.join(", ", missing));
        }
    }
}
