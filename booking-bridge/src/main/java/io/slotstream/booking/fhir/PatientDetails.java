package io.slotstream.booking.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import org.hl7.fhir.r4.model.Patient;

import java.util.List;

/**
 * The patient's details a booking carries when the source does not know the patient yet (ITI-117
 * {@code patient-resource} without a server id: open scheduling, e.g. the booking portal's form). Reduced to what a
 * source needs to know whom it sees (identifier, name, telecom, gender, birthDate), so booking.requests.v1,
 * booking.events.v1 and appointment.v1 carry no more patient data than the Appointment needs (IHE ATNA minimum
 * necessary). The details travel as FHIR R4 Patient JSON and are rendered as the Appointment's contained Patient
 * {@value #CONTAINED_REFERENCE}.
 */
public final class PatientDetails {

    /** The local reference of the contained Patient in a rendered Appointment. */
    public static final String CONTAINED_REFERENCE = "#patient";

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private PatientDetails() {
    }

    /**
     * @param patients the {@code patient-resource} parameters of a call; may be null
     * @param patient  the booking's patient reference as {@link SchedulingOperations#patient} chose it, or null
     * @return the first patient's reduced details as FHIR R4 Patient JSON; null when none were given, when they hold
     * nothing beyond an identifier, or when {@code patient} is a literal reference (the source knows that patient)
     */
    public static String of(List<Patient> patients, String patient) {
        if (patients == null || patients.isEmpty() || (patient != null && patient.startsWith("Patient/"))) {
            return null;
        }
        Patient given = patients.getFirst();
        Patient reduced = new Patient();
        reduced.setIdentifier(given.getIdentifier());
        reduced.setName(given.getName());
        reduced.setTelecom(given.getTelecom());
        reduced.setGenderElement(given.getGenderElement());
        reduced.setBirthDateElement(given.getBirthDateElement());
        if (!reduced.hasName() && !reduced.hasTelecom() && !reduced.hasGender() && !reduced.hasBirthDate()) {
            return null;
        }
        return FHIR.newJsonParser().encodeResourceToString(reduced);
    }

    /**
     * @param json details as {@link #of} wrote them
     * @return the contained Patient of a rendered Appointment, its id {@value #CONTAINED_REFERENCE}
     * @throws DataFormatException when {@code json} is not a FHIR R4 Patient
     */
    static Patient contained(String json) {
        Patient p = FHIR.newJsonParser().parseResource(Patient.class, json);
        p.setId(CONTAINED_REFERENCE);
        return p;
    }
}
