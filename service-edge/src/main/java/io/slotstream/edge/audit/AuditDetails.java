package io.slotstream.edge.audit;

import jakarta.servlet.ServletRequest;

/**
 * What a service knows about an audited request that the HTTP edge cannot see (the body): the resource actually acted
 * on, the patient, the IHE transaction. A request attribute; {@link AuditFilter} reads it when the answer is written.
 * Services call {@link #of} from their handlers; without an audited route nothing is recorded.
 */
public final class AuditDetails {

    static final String ATTRIBUTE = AuditDetails.class.getName();

    private String entityType;
    private String entityId;
    private String patient;
    private String action;
    private String eventCode;
    private String detail;
    private String interaction;
    private String refusal;

    private AuditDetails() {
    }

    /** @return the request's details, created on first use */
    public static AuditDetails of(ServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof AuditDetails details) {
            return details;
        }
        AuditDetails details = new AuditDetails();
        request.setAttribute(ATTRIBUTE, details);
        return details;
    }

    /** @return the request's details, or null when the service set none */
    static AuditDetails find(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof AuditDetails details ? details : null;
    }

    /** The resource acted on (e.g. the Appointment a $book created), overriding what the path says. */
    public AuditDetails entity(String type, String id) {
        this.entityType = type;
        this.entityId = id;
        return this;
    }

    /** The patient concerned: its id, with or without {@code Patient/}; null or blank = none. */
    public AuditDetails patient(String patientId) {
        if (patientId != null && !patientId.isBlank()) {
            int at = patientId.lastIndexOf("Patient/");
            this.patient = at >= 0 ? patientId.substring(at + "Patient/".length()) : patientId;
        }
        return this;
    }

    /**
     * The IHE transaction (e.g. {@code ITI-116}) and the FHIR AuditEventAction the transaction's audit profile fixes
     * (e.g. {@code C} for ITI-116/117, derived from BALP PatientCreate).
     */
    public AuditDetails transaction(String eventCode, String action) {
        this.eventCode = eventCode;
        this.action = action;
        return this;
    }

    /** The FHIR restful-interaction the body revealed, e.g. {@code batch} for a batch Bundle posted to the base. */
    public AuditDetails interaction(String interaction) {
        this.interaction = interaction;
        return this;
    }

    /**
     * The request failed although its HTTP status is 2xx (e.g. an ITI-116 hold lost to another client answers 200 with
     * an OperationOutcome): recorded as a minor failure (outcome 4) with this description.
     */
    public AuditDetails refused(String description) {
        this.refusal = description;
        return this;
    }

    /** The service's finer name for what happened, e.g. the booking command {@code cancel}. */
    public AuditDetails detail(String detail) {
        this.detail = detail;
        return this;
    }

    String entityType() {
        return entityType;
    }

    String entityId() {
        return entityId;
    }

    String patient() {
        return patient;
    }

    String action() {
        return action;
    }

    String eventCode() {
        return eventCode;
    }

    String detail() {
        return detail;
    }

    String interaction() {
        return interaction;
    }

    String refusal() {
        return refusal;
    }
}
