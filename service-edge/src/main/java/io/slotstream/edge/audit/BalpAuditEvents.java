package io.slotstream.edge.audit;

import io.slotstream.avro.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;

/**
 * Renders an {@code audit.events.v1} record as a FHIR R4 AuditEvent following IHE Basic Audit Log Patterns (BALP 1.1,
 * https://profiles.ihe.net/ITI/BALP/) and, for ITI-115/116/117, the IHE Scheduling audit profiles derived from BALP
 * PatientCreate:
 * <ul>
 *   <li>{@code type} = {@code audit-event-type#rest}; {@code subtype} = the {@code restful-interaction} code (plus
 *       {@code urn:ihe:event-type-code#ITI-11x} for a Scheduling transaction, and the operation name);</li>
 *   <li>{@code agent[client]} (DCM 110153 Source Role ID, with DCM 110150 Application when an OAuth client is known:
 *       BALP OAuth {@code oClient}): {@code who.identifier} = the token's client id, {@code network} = the caller's
 *       address; {@code agent[server]} (DCM 110152 Destination Role ID) = the recording service, also
 *       {@code source.observer} ({@code security-source-type#4} Application Server); {@code agent[user]}
 *       ({@code v3-ParticipationType#IRCP}, requestor) = the token's subject when it is a user or patient;</li>
 *   <li>{@code entity[data]} ({@code audit-entity-type#2}, {@code object-role#4} Domain Resource) = the resource acted
 *       on; a search has {@code entity[query]} ({@code object-role#24}, {@code query} = the redacted query string,
 *       base64); {@code entity[patient]} ({@code audit-entity-type#1}, {@code object-role#1}) = {@code Patient/<id>}
 *       only: no names, birth dates or contact details;</li>
 *   <li>{@code outcome} 0/4/8 with {@code outcomeDesc} naming the HTTP status of a failure.</li>
 * </ul>
 * A BALP or Scheduling profile is claimed in {@code meta.profile} only where the event conforms: success
 * (the profiles fix outcome 0), a patient for the Patient* and Scheduling profiles, action C for the Scheduling ones
 * (Slotstream records ITI-115 $find as E, a query, so it claims none). Failures are recorded with the
 * same shape and no profile claim.
 */
public final class BalpAuditEvents {

    public static final String BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.";
    public static final String SCHEDULING = "https://profiles.ihe.net/ITI/Scheduling/StructureDefinition/IHE.Scheduling.";
    static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String IHE_EVENT_TYPE = "urn:ihe:event-type-code";
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    /** Identifier system of OAuth client ids and token subjects on Slotstream's audit trail. */
    public static final String CLIENT_SYSTEM = "urn:slotstream:oauth-client";
    /** Identifier system of the recording services. */
    public static final String SERVICE_SYSTEM = "urn:slotstream:service";
    /** Identifier system of non-FHIR entities (e.g. Feed: a feed subscription, by source id). */
    public static final String ENTITY_SYSTEM = "urn:slotstream:entity:";

    private static final Map<String, String> SCHEDULING_PROFILES = Map.of(
            "ITI-115", "FindPotential", "ITI-116", "Hold", "ITI-117", "Book");
    private static final Map<String, String> IHE_EVENT_NAMES = Map.of(
            "ITI-115", "Find Potential Appointments", "ITI-116", "Hold Appointment", "ITI-117", "Book Appointment",
            "ITI-118", "Find Existing Appointments");
    private static final Map<String, String> BALP_PROFILES = Map.of(
            "C", "Create", "R", "Read", "U", "Update", "D", "Delete");

    private BalpAuditEvents() {
    }

    /** @return the FHIR R4 AuditEvent for the record (id = the record's id) */
    public static org.hl7.fhir.r4.model.AuditEvent toFhir(AuditEvent e) {
        org.hl7.fhir.r4.model.AuditEvent fhir = new org.hl7.fhir.r4.model.AuditEvent();
        fhir.setId(e.getId());
        String profile = profile(e);
        if (profile != null) {
            fhir.getMeta().addProfile(profile);
        }
        fhir.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
        fhir.addSubtype(new Coding(RESTFUL_INTERACTION, e.getInteraction(), null));
        if (e.getEventCode() != null) {
            fhir.addSubtype(new Coding(IHE_EVENT_TYPE, e.getEventCode(), IHE_EVENT_NAMES.get(e.getEventCode())));
        }
        if (e.getOperation() != null) {
            fhir.addSubtype(new Coding().setCode(e.getOperation()).setDisplay(
                    e.getDetail() == null ? e.getOperation() : e.getOperation() + " (" + e.getDetail() + ")"));
        }
        fhir.setAction(AuditEventAction.fromCode(e.getAction()));
        fhir.setRecorded(Date.from(e.getRecorded()));
        fhir.setOutcome(outcome(e.getOutcome()));
        if (e.getDescription() != null) {
            fhir.setOutcomeDesc(e.getDescription());
        }

        AuditEventAgentComponent client = fhir.addAgent();
        client.setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")));
        if (e.getClientId() != null) {
            client.getType().addCoding(new Coding(DCM, "110150", "Application"));
            client.setWho(new Reference().setIdentifier(new Identifier().setSystem(CLIENT_SYSTEM).setValue(e.getClientId())));
        } else {
            client.setWho(new Reference().setDisplay("anonymous"));
        }
        client.setRequestor(e.getUser() == null);
        if (e.getNetworkAddress() != null) {
            client.getNetwork().setAddress(e.getNetworkAddress()).setType(AuditEventAgentNetworkType._2);
        }
        Reference service = new Reference().setIdentifier(new Identifier().setSystem(SERVICE_SYSTEM).setValue(e.getService()))
                .setDisplay(e.getService());
        AuditEventAgentComponent server = fhir.addAgent();
        server.setType(new CodeableConcept(new Coding(DCM, "110152", "Destination Role ID")));
        server.setWho(service.copy());
        server.setRequestor(false);
        server.getNetwork().setAddress(e.getPath()).setType(AuditEventAgentNetworkType._5);
        if (e.getUser() != null) {
            AuditEventAgentComponent user = fhir.addAgent();
            user.setType(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "IRCP", "information recipient")));
            user.setWho(new Reference().setIdentifier(new Identifier().setSystem(CLIENT_SYSTEM).setValue(e.getUser())));
            user.setRequestor(true);
        }
        if (e.getScopes() != null) {
            client.addPolicy(e.getScopes());
        }

        fhir.getSource().setObserver(service.copy())
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        if (e.getSource() != null) {
            fhir.getSource().setSite(e.getSource());
        }

        if ("search-type".equals(e.getInteraction())) {
            AuditEventEntityComponent query = fhir.addEntity();
            query.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
            query.setRole(new Coding(OBJECT_ROLE, "24", "Query"));
            if (e.getEntityType() != null) {
                query.setDescription(e.getEntityType());
            }
            query.setQuery((e.getQuery() == null ? "" : e.getQuery()).getBytes(StandardCharsets.UTF_8));
        } else if (e.getEntityType() != null) {
            AuditEventEntityComponent data = fhir.addEntity();
            data.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
            data.setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
            data.setWhat(what(e.getEntityType(), e.getEntityId()));
        }
        if (e.getPatient() != null) {
            AuditEventEntityComponent patient = fhir.addEntity();
            patient.setType(new Coding(ENTITY_TYPE, "1", "Person"));
            patient.setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
            patient.setWhat(new Reference("Patient/" + e.getPatient()));
        }
        return fhir;
    }

    /** @return the relative reference the record's data entity is searchable by, e.g. {@code Appointment/123}; or null */
    public static String entityReference(AuditEvent e) {
        if (e.getEntityType() == null) {
            return null;
        }
        return e.getEntityId() == null ? e.getEntityType() : e.getEntityType() + "/" + e.getEntityId();
    }

    private static Reference what(String type, String id) {
        if (!isFhirType(type)) {
            return new Reference().setIdentifier(new Identifier().setSystem(ENTITY_SYSTEM + type).setValue(id)).setDisplay(type);
        }
        return id == null ? new Reference().setType(type) : new Reference(type + "/" + id);
    }

    private static boolean isFhirType(String type) {
        try {
            org.hl7.fhir.r4.model.ResourceType.fromCode(type);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String profile(AuditEvent e) {
        if (e.getOutcome() != 0) {
            return null;
        }
        if (e.getEventCode() != null && SCHEDULING_PROFILES.containsKey(e.getEventCode()) && e.getPatient() != null
                && "C".equals(e.getAction())) {
            return SCHEDULING + SCHEDULING_PROFILES.get(e.getEventCode()) + ".Audit.Recipient";
        }
        String patient = e.getPatient() != null ? "Patient" : "";
        if ("search-type".equals(e.getInteraction())) {
            return BALP + patient + "Query";
        }
        String basic = BALP_PROFILES.get(e.getAction());
        return basic == null || "operation".equals(e.getInteraction()) || "transaction".equals(e.getInteraction())
                ? null : BALP + patient + basic;
    }

    private static AuditEventOutcome outcome(int code) {
        return switch (code) {
            case 0 -> AuditEventOutcome._0;
            case 4 -> AuditEventOutcome._4;
            case 8 -> AuditEventOutcome._8;
            default -> AuditEventOutcome._12;
        };
    }
}
