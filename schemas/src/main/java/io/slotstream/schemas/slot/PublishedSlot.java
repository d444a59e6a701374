package io.slotstream.schemas.slot;

import io.slotstream.schemas.booking.BookingDeepLinks;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.ContactPoint;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Identifier;
import io.slotstream.avro.Period;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import io.slotstream.schemas.mapping.SlotStatusCodes;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.UrlType;

import java.util.Date;
import java.util.TimeZone;

/**
 * The published Slot as a HAPI model: the reference definition that {@link SlotJsonWriter} must match line for line
 * (tested). Shape: id = slotId; schedule = {@code Schedule/<scheduleId>}; status = effectiveStatus (busy slots are
 * published too); start/end in the source's local offset; STU1 extensions booking-deep-link (valueUrl),
 * booking-phone (valueContactPoint), patient-type (valueCoding, {@link PatientTypeDefault} when missing); identifier,
 * serviceCategory, specialty, overbooked and comment from the source Slot; serviceType and appointmentType from the
 * view (the Slot's own, else the Schedule's serviceType). Other source extensions and residual elements are not
 * published.
 */
public final class PublishedSlot {

    private final PatientTypeDefault patientType;
    private final BookingDeepLinks deepLinks;

    public PublishedSlot(PatientTypeDefault patientType) {
        this(patientType, null);
    }

    /** @param deepLinks as {@link SlotJsonWriter#SlotJsonWriter(PatientTypeDefault, BookingDeepLinks)} */
    public PublishedSlot(PatientTypeDefault patientType, BookingDeepLinks deepLinks) {
        this.patientType = patientType;
        this.deepLinks = deepLinks;
    }

    /** @return a new HAPI Slot for the view record */
    public Slot toFhir(SlotAvailability view) {
        FhirSlot source = view.getSlot();
        Slot slot = new Slot();
        slot.setId(view.getSlotId());
        String deepLink = SlotJsonWriter.deepLink(view, deepLinks);
        if (deepLink != null) {
            slot.addExtension(new Extension(SchedulingExtensions.BOOKING_DEEP_LINK, new UrlType(deepLink)));
        }
        if (view.getBookingPhone() != null && !SlotJsonWriter.empty(view.getBookingPhone())) {
            slot.addExtension(new Extension(SchedulingExtensions.BOOKING_PHONE, contactPoint(view.getBookingPhone())));
        }
        slot.addExtension(new Extension(SchedulingExtensions.PATIENT_TYPE, coding(patientType.orDefault(view.getPatientType()))));
        source.getIdentifier().forEach(i -> slot.addIdentifier(identifier(i)));
        source.getServiceCategory().forEach(c -> slot.addServiceCategory(concept(c)));
        view.getServiceType().forEach(c -> slot.addServiceType(concept(c)));
        source.getSpecialty().forEach(c -> slot.addSpecialty(concept(c)));
        if (view.getAppointmentType() != null) {
            slot.setAppointmentType(concept(view.getAppointmentType()));
        }
        slot.setSchedule(new Reference("Schedule/" + view.getScheduleId()));
        slot.setStatus(Slot.SlotStatus.fromCode(SlotStatusCodes.toCode(view.getEffectiveStatus())));
        slot.setStartElement(instant(view.getStart().toEpochMilli(), view.getStartOffsetSeconds()));
        slot.setEndElement(instant(view.getEnd().toEpochMilli(), view.getEndOffsetSeconds()));
        if (source.getOverbooked() != null) {
            slot.setOverbookedElement(new BooleanType(source.getOverbooked()));
        }
        if (SlotJsonWriter.has(source.getComment())) {
            slot.setComment(source.getComment());
        }
        return slot;
    }

    static InstantType instant(long epochMillis, int offsetSeconds) {
        InstantType result = new InstantType(new Date(epochMillis),
                epochMillis % 1000 == 0 ? ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND
                        : ca.uhn.fhir.model.api.TemporalPrecisionEnum.MILLI,
                TimeZone.getTimeZone(java.time.ZoneOffset.ofTotalSeconds(offsetSeconds / 60 * 60)));
        if (offsetSeconds / 60 == 0) {
            result.setTimeZoneZulu(true);
        }
        return result;
    }

    static org.hl7.fhir.r4.model.Coding coding(Coding c) {
        org.hl7.fhir.r4.model.Coding coding = new org.hl7.fhir.r4.model.Coding();
        coding.setSystem(c.getSystem()).setVersion(c.getVersion()).setCode(c.getCode()).setDisplay(c.getDisplay());
        if (c.getUserSelected() != null) {
            coding.setUserSelected(c.getUserSelected());
        }
        return coding;
    }

    static org.hl7.fhir.r4.model.CodeableConcept concept(CodeableConcept c) {
        org.hl7.fhir.r4.model.CodeableConcept concept = new org.hl7.fhir.r4.model.CodeableConcept();
        c.getCoding().forEach(coding -> concept.addCoding(coding(coding)));
        concept.setText(c.getText());
        return concept;
    }

    static org.hl7.fhir.r4.model.Identifier identifier(Identifier i) {
        org.hl7.fhir.r4.model.Identifier identifier = new org.hl7.fhir.r4.model.Identifier();
        if (i.getUse() != null) {
            identifier.getUseElement().setValueAsString(i.getUse());
        }
        if (i.getType() != null) {
            identifier.setType(concept(i.getType()));
        }
        identifier.setSystem(i.getSystem()).setValue(i.getValue());
        return identifier;
    }

    static org.hl7.fhir.r4.model.ContactPoint contactPoint(ContactPoint c) {
        org.hl7.fhir.r4.model.ContactPoint point = new org.hl7.fhir.r4.model.ContactPoint();
        if (c.getSystem() != null) {
            point.getSystemElement().setValueAsString(c.getSystem());
        }
        point.setValue(c.getValue());
        if (c.getUse() != null) {
            point.getUseElement().setValueAsString(c.getUse());
        }
        if (c.getRank() != null) {
            point.setRank(c.getRank());
        }
        if (c.getPeriod() != null) {
            point.setPeriod(period(c.getPeriod()));
        }
        return point;
    }

    static org.hl7.fhir.r4.model.Period period(Period p) {
        org.hl7.fhir.r4.model.Period period = new org.hl7.fhir.r4.model.Period();
        if (p.getStart() != null) {
            period.setStartElement(new DateTimeType(FhirInstants.dateTime(p.getStart())));
        }
        if (p.getEnd() != null) {
            period.setEndElement(new DateTimeType(FhirInstants.dateTime(p.getEnd())));
        }
        return period;
    }

}
