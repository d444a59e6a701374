package io.slotstream.edge.audit;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/** The FHIR AuditEvent of an audit.events.v1 record, element by element against BALP and IHE Scheduling. */
class BalpAuditEventsTest {

    static final Instant RECORDED = Instant.parse("2026-11-30T07:15:30.123Z");

    @Test
    void bookIsAnIti117PatientCreateWithClientServerUserAndPatient() {
        AuditEvent record = base().setService("booking-bridge").setAction("C").setInteraction("operation")
                .setOperation("$book").setEventCode("ITI-117").setDetail("book").setMethod("POST")
                .setPath("/fhir/Appointment/$book").setHttpStatus(200).setOutcome(0).setClientId("portal")
                .setUser("login-42").setScopes("user/Appointment.cru").setNetworkAddress("10.0.0.9")
                .setEntityType("Appointment").setEntityId("ap-1").setPatient("p-1").build();

        org.hl7.fhir.r4.model.AuditEvent fhir = BalpAuditEvents.toFhir(record);

        assertThat(fhir.getIdElement().getIdPart()).isEqualTo("e-1");
        assertThat(fhir.getMeta().getProfile()).extracting(p -> p.getValue()).containsExactly(
                "https://profiles.ihe.net/ITI/Scheduling/StructureDefinition/IHE.Scheduling.Book.Audit.Recipient");
        assertCoding(fhir.getType(), "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest");
        assertThat(fhir.getSubtype()).hasSize(3);
        assertCoding(fhir.getSubtype().get(0), "http://hl7.org/fhir/restful-interaction", "operation");
        assertCoding(fhir.getSubtype().get(1), "urn:ihe:event-type-code", "ITI-117");
        assertThat(fhir.getSubtype().get(1).getDisplay()).isEqualTo("Book Appointment");
        assertThat(fhir.getSubtype().get(2).getCode()).isEqualTo("$book");
        assertThat(fhir.getSubtype().get(2).getDisplay()).isEqualTo("$book (book)");
        assertThat(fhir.getAction()).isEqualTo(AuditEventAction.C);
        assertThat(fhir.getRecorded()).isEqualTo(Date.from(RECORDED));
        assertThat(fhir.getOutcome()).isEqualTo(AuditEventOutcome._0);
        assertThat(fhir.hasOutcomeDesc()).isFalse();

        assertThat(fhir.getAgent()).hasSize(3);
        AuditEventAgentComponent client = fhir.getAgent().get(0);
        assertThat(client.getType().getCoding()).extracting(Coding::getSystem, Coding::getCode).containsExactly(
                org.assertj.core.groups.Tuple.tuple("http://dicom.nema.org/resources/ontology/DCM", "110153"),
                org.assertj.core.groups.Tuple.tuple("http://dicom.nema.org/resources/ontology/DCM", "110150"));
        assertThat(client.getWho().getIdentifier().getSystem()).isEqualTo(BalpAuditEvents.CLIENT_SYSTEM);
        assertThat(client.getWho().getIdentifier().getValue()).isEqualTo("portal");
        assertThat(client.getRequestor()).as("the user is the requestor").isFalse();
        assertThat(client.getNetwork().getAddress()).isEqualTo("10.0.0.9");
        assertThat(client.getNetwork().getType()).isEqualTo(AuditEventAgentNetworkType._2);
        assertThat(client.getPolicy()).extracting(p -> p.getValue()).containsExactly("user/Appointment.cru");
        AuditEventAgentComponent server = fhir.getAgent().get(1);
        assertCoding(server.getType().getCodingFirstRep(), "http://dicom.nema.org/resources/ontology/DCM", "110152");
        assertThat(server.getWho().getIdentifier().getValue()).isEqualTo("booking-bridge");
        assertThat(server.getRequestor()).isFalse();
        assertThat(server.getNetwork().getAddress()).isEqualTo("/fhir/Appointment/$book");
        AuditEventAgentComponent user = fhir.getAgent().get(2);
        assertCoding(user.getType().getCodingFirstRep(), "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP");
        assertThat(user.getWho().getIdentifier().getValue()).isEqualTo("login-42");
        assertThat(user.getRequestor()).isTrue();

        assertThat(fhir.getSource().getObserver().getIdentifier().getValue()).isEqualTo("booking-bridge");
        assertThat(fhir.getSource().getObserver().getIdentifier().getValue())
                .as("val-audit-source: agent[server].who = source.observer").isEqualTo(server.getWho().getIdentifier().getValue());
        assertCoding(fhir.getSource().getTypeFirstRep(), "http://terminology.hl7.org/CodeSystem/security-source-type", "4");
        assertThat(fhir.getSource().hasSite()).isFalse();

        assertThat(fhir.getEntity()).hasSize(2);
        AuditEventEntityComponent data = fhir.getEntity().get(0);
        assertCoding(data.getType(), "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2");
        assertCoding(data.getRole(), "http://terminology.hl7.org/CodeSystem/object-role", "4");
        assertThat(data.getWhat().getReference()).isEqualTo("Appointment/ap-1");
        AuditEventEntityComponent patient = fhir.getEntity().get(1);
        assertCoding(patient.getType(), "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1");
        assertCoding(patient.getRole(), "http://terminology.hl7.org/CodeSystem/object-role", "1");
        assertThat(patient.getWhat().getReference()).isEqualTo("Patient/p-1");
        assertThat(patient.getWhat().hasDisplay()).as("no patient demographics").isFalse();
    }

    @Test
    void sourceWriteIsABalpUpdateWithTheSourceAsSite() {
        AuditEvent record = base().setService("ingest-service").setAction("U").setInteraction("update").setMethod("PUT")
                .setPath("/fhir/Slot/s-1").setHttpStatus(200).setOutcome(0).setClientId("ehr-a-client")
                .setSource("ehr-a").setNetworkAddress("10.0.0.1").setEntityType("Slot").setEntityId("s-1").build();

        org.hl7.fhir.r4.model.AuditEvent fhir = BalpAuditEvents.toFhir(record);

        assertThat(fhir.getMeta().getProfile().getFirst().getValue())
                .isEqualTo("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Update");
        assertThat(fhir.getSubtype()).singleElement().satisfies(c -> assertCoding(c, "http://hl7.org/fhir/restful-interaction", "update"));
        assertThat(fhir.getAction()).isEqualTo(AuditEventAction.U);
        assertThat(fhir.getAgent()).hasSize(2);
        assertThat(fhir.getAgentFirstRep().getRequestor()).isTrue();
        assertThat(fhir.getSource().getSite()).isEqualTo("ehr-a");
        assertThat(fhir.getEntity()).singleElement().satisfies(e -> assertThat(e.getWhat().getReference()).isEqualTo("Slot/s-1"));
    }

    @Test
    void searchIsABalpPatientQueryWithTheBase64Query() {
        AuditEvent record = base().setService("booking-bridge").setAction("E").setInteraction("search-type")
                .setMethod("GET").setPath("/fhir/Appointment").setQuery("patient=Patient/p-1&status=booked")
                .setHttpStatus(200).setOutcome(0).setEntityType("Appointment").setPatient("p-1").build();

        org.hl7.fhir.r4.model.AuditEvent fhir = BalpAuditEvents.toFhir(record);

        assertThat(fhir.getMeta().getProfile().getFirst().getValue())
                .isEqualTo("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientQuery");
        assertThat(fhir.getAction()).isEqualTo(AuditEventAction.E);
        AuditEventEntityComponent query = fhir.getEntity().get(0);
        assertCoding(query.getRole(), "http://terminology.hl7.org/CodeSystem/object-role", "24");
        assertThat(new String(query.getQuery(), StandardCharsets.UTF_8)).isEqualTo("patient=Patient/p-1&status=booked");
        assertThat(query.getDescription()).isEqualTo("Appointment");
        assertThat(fhir.getEntity().get(1).getWhat().getReference()).isEqualTo("Patient/p-1");
        assertThat(fhir.getAgentFirstRep().getWho().getDisplay()).isEqualTo("anonymous");
        // the JSON carries the query as base64 (R4 base64Binary)
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(fhir);
        assertThat(json).contains("\"query\":\"cGF0aWVudD1QYXRpZW50L3AtMSZzdGF0dXM9Ym9va2Vk\"");
    }

    @Test
    void failureHasNoProfileClaimAndDescribesTheStatus() {
        AuditEvent record = base().setService("ingest-service").setAction("D").setInteraction("delete").setMethod("DELETE")
                .setPath("/fhir/Slot/s-1").setHttpStatus(403).setOutcome(4).setDescription("HTTP 403 Forbidden")
                .setClientId("ehr-b-client").setEntityType("Slot").setEntityId("s-1").build();

        org.hl7.fhir.r4.model.AuditEvent fhir = BalpAuditEvents.toFhir(record);

        assertThat(fhir.getMeta().getProfile()).isEmpty();
        assertThat(fhir.getOutcome()).isEqualTo(AuditEventOutcome._4);
        assertThat(fhir.getOutcomeDesc()).isEqualTo("HTTP 403 Forbidden");
        assertThat(fhir.getAgentFirstRep().hasNetwork()).isFalse();
    }

    @Test
    void nonFhirEntitiesAreIdentifiers() {
        AuditEvent record = base().setService("ingest-service").setAction("E").setInteraction("operation")
                .setOperation("poll").setMethod("POST").setPath("/admin/feeds/pub-a/poll").setHttpStatus(202).setOutcome(0)
                .setEntityType("Feed").setEntityId("pub-a").build();

        org.hl7.fhir.r4.model.AuditEvent fhir = BalpAuditEvents.toFhir(record);

        assertThat(fhir.getMeta().getProfile()).as("BALP has no profile for operations").isEmpty();
        assertThat(fhir.getEntityFirstRep().getWhat().hasReference()).isFalse();
        assertThat(fhir.getEntityFirstRep().getWhat().getIdentifier().getSystem()).isEqualTo("urn:slotstream:entity:Feed");
        assertThat(fhir.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("pub-a");
        assertThat(BalpAuditEvents.entityReference(record)).isEqualTo("Feed/pub-a");
    }

    private static AuditEvent.Builder base() {
        return AuditEvent.newBuilder().setId("e-1").setRecorded(RECORDED);
    }

    private static void assertCoding(Coding coding, String system, String code) {
        assertThat(coding.getSystem()).isEqualTo(system);
        assertThat(coding.getCode()).isEqualTo(code);
    }
}
