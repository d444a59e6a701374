package io.slotstream.booking.fhir;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.edge.security.SmartCaller;
import io.slotstream.edge.security.SmartScope;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The patient-context rules of {@link PatientAccess}, on requests as service-edge leaves them. */
class PatientAccessTest {

    @Test
    void requestsGrantedBySystemOrUserScopesOrWithSecurityOffAreNotBound() {
        PatientAccess off = PatientAccess.of(new MockHttpServletRequest());
        MockHttpServletRequest system = new MockHttpServletRequest();
        system.setAttribute(SmartAccessManager.CALLER_ATTRIBUTE, caller("pat-1")); // a user token with launch context
        PatientAccess user = PatientAccess.of(system);
        for (PatientAccess access : List.of(off, user)) {
            assertThat(access.bound()).isFalse();
            assertThat(access.bookingPatient("Patient/anyone")).isEqualTo("Patient/anyone");
            access.checkBody(List.of(patient("other"), new Patient()), List.of(new Reference("Patient/x")),
                    appointmentWith("Patient/other"));
            assertThat(access.owns(stored("Patient/other"))).isTrue();
            assertThat(access.owns(stored(null))).isTrue();
        }
    }

    @Test
    void aPatientTokenBooksAsItsPatientAndSeesOnlyItsAppointments() {
        PatientAccess access = PatientAccess.of(patientRequest("pat-1"));
        assertThat(access.bound()).isTrue();
        assertThat(access.bookingPatient(null)).isEqualTo("Patient/pat-1");
        assertThat(access.bookingPatient("urn:oid:1.2|9")).isEqualTo("Patient/pat-1");
        access.checkBody(List.of(patient("pat-1")), List.of(new Reference("Patient/pat-1")),
                appointmentWith("http://ehr.example/fhir/Patient/pat-1/_history/2"));
        access.checkBody(null, null, null);
        assertThat(access.owns(stored("Patient/pat-1"))).isTrue();
        assertThat(access.owns(stored("Patient/pat-2"))).isFalse();
        assertThat(access.owns(stored(null))).as("a hold placed by a system client").isFalse();
        assertThat(access.owns(stored("urn:oid:1.2|pat-1"))).isFalse();
    }

    @Test
    void aPatientTokenNamingAnotherPatientIsForbiddenWithTheParameterNamed() {
        PatientAccess access = PatientAccess.of(patientRequest("pat-1"));
        assertForbidden(() -> access.checkBody(List.of(patient("pat-1"), patient("pat-2")), null, null),
                "patient-resource", "Patient/pat-2");
        Patient withoutId = new Patient();
        withoutId.addIdentifier().setSystem("urn:oid:1.2").setValue("pat-1");
        assertForbidden(() -> access.checkBody(List.of(withoutId), null, null), "patient-resource", "leave patient-resource out");
        assertForbidden(() -> access.checkBody(null, List.of(new Reference("Patient/pat-2")), null), "patient-reference", "Patient/pat-2");
        assertForbidden(() -> access.checkBody(null, null, appointmentWith("Patient/pat-2")),
                "appointment-resource.participant[1].actor", "Patient/pat-2");
        Appointment byIdentifier = new Appointment();
        byIdentifier.addParticipant().setActor(new Reference().setType("Patient")
                .setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem("urn:oid:1.2").setValue("x")));
        assertForbidden(() -> access.checkBody(null, null, byIdentifier), "appointment-resource.participant[0].actor",
                "literal reference Patient/pat-1");
    }

    @Test
    void aPatientContextTokenWithoutItsPatientClaimIsForbiddenAndOwnsNothing() {
        PatientAccess access = PatientAccess.of(patientRequest(null));
        assertThatThrownBy(() -> access.bookingPatient(null)).isInstanceOf(ForbiddenOperationException.class)
                .hasMessageContaining("claim 'patient'");
        assertThat(access.owns(stored(null))).isFalse();
    }

    private static void assertForbidden(Runnable call, String expression, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ForbiddenOperationException.class, e -> {
            assertThat(e.getStatusCode()).isEqualTo(403);
            assertThat(e.getMessage()).contains(messagePart);
            org.hl7.fhir.r4.model.OperationOutcome oo = (org.hl7.fhir.r4.model.OperationOutcome) e.getOperationOutcome();
            assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(org.hl7.fhir.r4.model.OperationOutcome.IssueType.FORBIDDEN);
            assertThat(oo.getIssueFirstRep().getExpression().getFirst().getValue()).isEqualTo(expression);
        });
    }

    private static Patient patient(String id) {
        Patient p = new Patient();
        p.setId(id);
        return p;
    }

    private static MockHttpServletRequest patientRequest(String patient) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setAttribute(SmartAccessManager.CALLER_ATTRIBUTE, caller(patient));
        request.setAttribute(SmartAccessManager.PATIENT_CONTEXT_ATTRIBUTE, Boolean.TRUE);
        return request;
    }

    private static SmartCaller caller(String patient) {
        return new SmartCaller("patient-app", null, patient, List.of(SmartScope.parse("patient/Appointment.crus").orElseThrow()),
                "patient-app");
    }

    private static Appointment appointmentWith(String patientReference) {
        Appointment a = new Appointment();
        a.addParticipant().setActor(new Reference("PractitionerRole/r1"));
        a.addParticipant().setActor(new Reference(patientReference));
        return a;
    }

    private static StoredAppointment stored(String patient) {
        return new StoredAppointment("a1", "booked", null, false, "s", List.of("slot"), null, null, patient, null,
                List.of(), null, null, null, null);
    }
}
