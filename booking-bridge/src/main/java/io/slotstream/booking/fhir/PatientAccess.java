package io.slotstream.booking.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.Outcome;
import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.edge.security.SmartCaller;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

import java.util.List;

/**
 * What a patient-context token may do with Appointments, decided in this one place (issue 16: "a patient token can
 * only see and change that patient's appointments"). A request is <em>patient-bound</em> when service-edge granted it
 * through patient-context scopes only ({@link SmartAccessManager#PATIENT_CONTEXT_ATTRIBUTE}, e.g. {@code $book} with
 * {@code patient/Appointment.cu}); its patient is the token's {@code patient} claim ({@link SmartCaller#patient()}).
 * System and user tokens, and security mode {@code off}, are never bound: for them every method here changes nothing.
 *
 * <p>A bound request:
 * <ul>
 *   <li>always holds and books as its own patient: {@code $hold} (ITI-116, which has no patient parameter) records
 *   the hold for {@code Patient/<id>}, {@code $book} (ITI-117) books for it;</li>
 *   <li>may name only that patient in the body: each {@code patient-resource} must carry the patient's id, each
 *   {@code appointment-resource.participant.actor} that is a Patient must be {@code Patient/<id>} (and
 *   {@code $find}'s {@code patient-reference} too), else <b>403</b> with an OperationOutcome naming the parameter. A
 *   {@code patient-resource} <b>without an id</b> is refused as well: it stands for a patient the source does not know
 *   yet (open scheduling), which a token speaking for one known patient cannot be; accepting it would either book an
 *   identifier the token cannot vouch for (another patient's, possibly) or silently drop what the caller sent. Such a
 *   caller leaves {@code patient-resource} out or sends {@code {"resourceType":"Patient","id":"<id>"}};</li>
 *   <li>sees only Appointments whose patient is {@code Patient/<id>}: another patient's Appointment, or one without a
 *   patient (a hold placed by a system or user client), is <b>404</b> for read, modify, cancel and booking a hold,
 *   exactly as an id that does not exist, so a patient token cannot even learn that it exists; ITI-118 search returns
 *   only its own;</li>
 *   <li>gets the outcome of a request id (retry, status URL) only when that request was its own patient's.</li>
 * </ul>
 * A bound token without the {@code patient} claim is refused (403) wherever a patient is needed and owns nothing.
 */
public final class PatientAccess {

    private static final PatientAccess UNBOUND = new PatientAccess(false, null);

    private final boolean bound;
    /** {@code Patient/<id>} of a bound request, or null (unbound, or a bound token without its patient). */
    private final String patient;

    private PatientAccess(boolean bound, String patient) {
        this.bound = bound;
        this.patient = patient;
    }

    /** @return the access of a HAPI request (booking-bridge's FHIR server runs in the servlet container) */
    static PatientAccess of(RequestDetails request) {
        return of(((ServletRequestDetails) request).getServletRequest());
    }

    /** @return the access of a request that passed service-edge's security */
    static PatientAccess of(HttpServletRequest request) {
        if (!Boolean.TRUE.equals(request.getAttribute(SmartAccessManager.PATIENT_CONTEXT_ATTRIBUTE))) {
            return UNBOUND;
        }
        SmartCaller caller = (SmartCaller) request.getAttribute(SmartAccessManager.CALLER_ATTRIBUTE);
        String patient = caller == null || caller.patient() == null ? null : "Patient/" + caller.patient();
        return new PatientAccess(true, patient);
    }

    /** @return whether the request is held to one patient */
    boolean bound() {
        return bound;
    }

    /**
     * @param fromBody the patient the body names ({@link SchedulingOperations#patient}), or null
     * @return the patient to hold or book for: {@code Patient/<id>} of a bound request, else {@code fromBody}
     * @throws ForbiddenOperationException 403 for a bound token without the {@code patient} claim
     */
    String bookingPatient(String fromBody) {
        return bound ? requirePatient() : fromBody;
    }

    /**
     * Checks every Patient a {@code $book} (or {@code $find}) body names against a bound request's patient.
     *
     * @param patients   the {@code patient-resource} parameters, may be null
     * @param references the {@code patient-reference} parameters ({@code $find}), may be null
     * @param resource   the {@code appointment-resource}, or null
     * @throws ForbiddenOperationException 403 naming the parameter or element that names another patient (or a
     *                                     patient without an id)
     */
    void checkBody(List<Patient> patients, List<Reference> references, Appointment resource) {
        if (!bound) {
            return;
        }
        String own = requirePatient();
        for (Patient p : patients == null ? List.<Patient>of() : patients) {
            String id = p.getIdElement().getIdPart();
            if (id == null) {
                throw forbidden("A patient token books as its own patient (" + own + "): leave patient-resource out or "
                        + "give it the id " + own.substring("Patient/".length()) + "; a Patient without an id (a patient "
                        + "the source does not know yet) is for system and user clients", "patient-resource");
            }
            requireOwn("Patient/" + id, "patient-resource");
        }
        for (Reference r : references == null ? List.<Reference>of() : references) {
            requireOwn(patientOf(r), "patient-reference");
        }
        if (resource != null) {
            for (int i = 0; i < resource.getParticipant().size(); i++) {
                Reference actor = resource.getParticipant().get(i).getActor();
                String element = "appointment-resource.participant[" + i + "].actor";
                if (actor.getReference() == null && "Patient".equals(actor.getType())) {
                    throw forbidden("A patient token books as its own patient (" + own + "): a Patient participant must "
                            + "be the literal reference " + own, element);
                }
                if (actor.getReference() != null && "Patient".equals(actor.getReferenceElement().getResourceType())) {
                    requireOwn(patientOf(actor), element);
                }
            }
        }
    }

    /** @return whether the request may see and change {@code appointment} (always, unless bound) */
    boolean owns(StoredAppointment appointment) {
        return !bound || (patient != null && patient.equals(appointment.patient()));
    }

    /** @return whether the request may see the decision {@code outcome} (always, unless bound) */
    boolean owns(Outcome outcome) {
        return !bound || (patient != null && patient.equals(outcome.event().getPatientReference()));
    }

    private void requireOwn(String named, String parameter) {
        if (!patient.equals(named)) {
            throw forbidden("The token is for " + patient + " and may not hold, book or search for another patient ("
                    + parameter + " names " + (named == null ? "no literal Patient reference" : named) + ")", parameter);
        }
    }

    private String requirePatient() {
        if (patient == null) {
            throw forbidden("A patient-context token must carry its patient (claim 'patient')", null);
        }
        return patient;
    }

    /** @return {@code Patient/<id>} of a literal reference (relative or absolute, history ignored), else null */
    private static String patientOf(Reference reference) {
        IdType id = reference.getReference() == null ? null : new IdType(reference.getReference());
        return id != null && "Patient".equals(id.getResourceType()) && id.getIdPart() != null
                ? "Patient/" + id.getIdPart() : null;
    }

    private static ForbiddenOperationException forbidden(String message, String parameter) {
        ForbiddenOperationException e = new ForbiddenOperationException(message);
        e.setOperationOutcome(OperationOutcomes.error(OperationOutcome.IssueType.FORBIDDEN, message, parameter));
        return e;
    }
}
