package io.slotstream.booking.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.Referral;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PatientDetailsTest {

    private static Patient formPatient() {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:slotstream:web:patient").setValue("u-1");
        p.addName().setText("Ada Okafor").setFamily("Okafor").addGiven("Ada");
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("ada@example.org");
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        p.addAddress().setCity("Springfield");
        p.addGeneralPractitioner().setReference("Practitioner/gp");
        return p;
    }

    @Test
    void keepsOnlyWhatTheSourceNeedsToKnowWhomItSees() {
        String json = PatientDetails.of(List.of(formPatient()), "urn:slotstream:web:patient|u-1");
        Patient kept = FhirContext.forR4Cached().newJsonParser().parseResource(Patient.class, json);
        assertThat(kept.getNameFirstRep().getText()).isEqualTo("Ada Okafor");
        assertThat(kept.getTelecomFirstRep().getValue()).isEqualTo("ada@example.org");
        assertThat(kept.getGender()).isEqualTo(Enumerations.AdministrativeGender.FEMALE);
        assertThat(kept.getIdentifierFirstRep().getValue()).isEqualTo("u-1");
        assertThat(kept.hasAddress()).isFalse();
        assertThat(kept.hasGeneralPractitioner()).isFalse();
    }

    @Test
    void nothingIsKeptForAPatientTheSourceKnowsOrWithoutDetails() {
        assertThat(PatientDetails.of(List.of(formPatient()), "Patient/123")).isNull();
        Patient onlyIdentifier = new Patient();
        onlyIdentifier.addIdentifier().setSystem("urn:x").setValue("1");
        assertThat(PatientDetails.of(List.of(onlyIdentifier), "urn:x|1")).isNull();
        assertThat(PatientDetails.of(null, null)).isNull();
    }

    @Test
    void theRenderedAppointmentContainsThePatientItsParticipantPointsAt() {
        String details = PatientDetails.of(List.of(formPatient()), "urn:slotstream:web:patient|u-1");
        StoredAppointment stored = new StoredAppointment("a1", "booked", null, false, "src.sched", List.of("src.s1"),
                Instant.parse("2026-12-03T08:00:00Z"), Instant.parse("2026-12-03T08:15:00Z"),
                "urn:slotstream:web:patient|u-1", details, List.of("PractitionerRole/src.r1"), null, Referral.NONE, null,
                Instant.parse("2026-11-30T08:00:00Z"));
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(new AppointmentRenderer().stored(stored));
        assertThat(json).contains("\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"patient\"")
                .contains("\"reference\":\"#patient\"").doesNotContain("Springfield");
        Appointment back = FhirContext.forR4Cached().newJsonParser().parseResource(Appointment.class, json);
        Appointment.AppointmentParticipantComponent patient = back.getParticipant().get(1);
        assertThat(patient.getActor().getIdentifier().getValue()).isEqualTo("u-1");
        assertThat(((Patient) patient.getActor().getResource()).getNameFirstRep().getFamily()).isEqualTo("Okafor");
    }
}
