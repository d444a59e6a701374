package io.slotstream.booking.fhir;

import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.find.Proposal;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The one renderer of IHE {@code ihe-sched-appt} Appointments: proposals of {@code $find} ({@code proposed},
 * participants {@code needs-action}), held ({@code pending}, {@code tentative}), booked ({@code booked},
 * {@code accepted}) and cancelled ones. {@code requestedPeriod} (1..1 in the profile) is the {@code $find} window for
 * proposals and the Appointment's own period otherwise.
 */
@Component
public class AppointmentRenderer {

    /** @return the proposed Appointment of a {@code $find} proposal */
    public Appointment proposed(Proposal p) {
        Appointment a = base(p.id(), Appointment.AppointmentStatus.PROPOSED);
        a.setStart(Date.from(p.start())).setEnd(Date.from(p.end()));
        a.setServiceType(p.serviceType()).setSpecialty(p.specialty());
        p.slotIds().forEach(s -> a.addSlot(new Reference("Slot/" + s)));
        participants(a, p.participants(), null, null, Appointment.ParticipationStatus.NEEDSACTION);
        a.addRequestedPeriod(period(p.requestedStart(), p.requestedEnd()));
        return a;
    }

    /** @return an Appointment as the decisions made it */
    public Appointment stored(StoredAppointment s) {
        Appointment.AppointmentStatus status = Appointment.AppointmentStatus.fromCode(s.status());
        Appointment a = base(s.id(), status);
        a.addIdentifier(new Identifier().setSystem(SchedulingFhir.IDENTIFIER_SYSTEM).setValue("urn:uuid:" + s.id()));
        if (s.start() != null) {
            a.setStart(Date.from(s.start())).setEnd(Date.from(s.end()));
            a.addRequestedPeriod(period(s.start(), s.end()));
        }
        s.slotIds().forEach(id -> a.addSlot(new Reference("Slot/" + id)));
        Appointment.ParticipationStatus ps = switch (status) {
            case PENDING -> Appointment.ParticipationStatus.TENTATIVE;
            case CANCELLED -> Appointment.ParticipationStatus.DECLINED;
            default -> Appointment.ParticipationStatus.ACCEPTED;
        };
        participants(a, s.participants(), s.patient(), s.patientResource(), ps);
        a.setComment(s.comment());
        if (s.lastUpdated() != null) {
            a.getMeta().setLastUpdated(Date.from(s.lastUpdated()));
        }
        if (s.statusReason() != null) {
            a.addExtension(SchedulingFhir.STATUS_REASON, new CodeableConcept(
                    new Coding(SchedulingFhir.REASON_SYSTEM, s.statusReason(), null)));
        }
        if (s.conflict()) {
            a.addExtension(SchedulingFhir.CONFLICT_EXTENSION, new BooleanType(true));
        }
        stringExtension(a, SchedulingFhir.BOOKING_SOURCE_EXTENSION, s.referral().source());
        stringExtension(a, SchedulingFhir.BOOKING_REFERRAL_EXTENSION, s.referral().bookingReferral());
        stringExtension(a, SchedulingFhir.BOOKING_STATE_EXTENSION, s.referral().state());
        stringExtension(a, SchedulingFhir.RETURN_URL_EXTENSION, s.referral().returnUrl());
        return a;
    }

    private static void stringExtension(Appointment a, String url, String value) {
        if (value != null) {
            a.addExtension(url, new StringType(value));
        }
    }

    /** @return the FHIR Reference of a stored patient ("Patient/id" literal, or "system|value" identifier) */
    public static Reference patientReference(String patient) {
        int bar = patient.indexOf('|');
        if (bar >= 0 && !patient.startsWith("Patient/")) {
            return new Reference().setType("Patient")
                    .setIdentifier(new Identifier().setSystem(patient.substring(0, bar)).setValue(patient.substring(bar + 1)));
        }
        return new Reference(patient);
    }

    private static Appointment base(String id, Appointment.AppointmentStatus status) {
        Appointment a = new Appointment();
        a.setId(id);
        a.getMeta().addProfile(SchedulingFhir.APPOINTMENT_PROFILE);
        a.setStatus(status);
        return a;
    }

    /** The patient's details, when the booking carries them, are the contained Patient the participant points at. */
    private static void participants(Appointment a, List<String> actors, String patient, String patientResource,
                                     Appointment.ParticipationStatus status) {
        for (String actor : actors) {
            a.addParticipant().setActor(new Reference(actor)).setRequired(Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(status);
        }
        if (patient == null && patientResource == null) {
            return;
        }
        Reference actor = patient == null ? new Reference().setType("Patient") : patientReference(patient);
        if (patientResource != null) {
            a.addContained(PatientDetails.contained(patientResource));
            actor.setReference(PatientDetails.CONTAINED_REFERENCE);
        }
        a.addParticipant().setActor(actor).setRequired(Appointment.ParticipantRequired.REQUIRED).setStatus(status);
    }

    private static Period period(Instant start, Instant end) {
        return new Period().setStart(Date.from(start)).setEnd(Date.from(end));
    }
}
