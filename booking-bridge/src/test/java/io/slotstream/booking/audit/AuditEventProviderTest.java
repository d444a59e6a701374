package io.slotstream.booking.audit;

import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.slotstream.avro.AuditEvent;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AuditEvent search over the in-memory trail: each parameter filters, newest first, the oldest events drop out. */
class AuditEventProviderTest {

    final AuditLog log = new AuditLog(KafkaClientSettings.plaintext("127.0.0.1:1"), new RegistrySettings("http://127.0.0.1:1/apis/registry/v3", false), 3);
    final AuditEventProvider provider = new AuditEventProvider(log);

    @Test
    void searchFiltersByEveryParameterNewestFirst() {
        log.onValue(event("e1", "2026-11-30T07:00:00Z", "C", 0, "portal", "Appointment", "a1", "p1", "ITI-116"));
        log.onValue(event("e2", "2026-11-30T07:01:00Z", "C", 4, "portal", "Appointment", "a2", null, "ITI-116"));
        log.onValue(event("e3", "2026-11-30T07:02:00Z", "U", 0, "ehr-a", "Slot", "s1", null, null));

        assertThat(ids(search(null, null, null, null, null, null, null))).containsExactly("e3", "e2", "e1");
        assertThat(ids(search(new DateRangeParam(Date.from(Instant.parse("2026-11-30T07:00:30Z")), null),
                null, null, null, null, null, null))).containsExactly("e3", "e2");
        assertThat(ids(search(null, refs("portal"), null, null, null, null, null))).containsExactly("e2", "e1");
        assertThat(ids(search(null, refs("Device/ehr-a"), null, null, null, null, null))).containsExactly("e3");
        assertThat(ids(search(null, refs("ingest-service"), null, null, null, null, null))).containsExactly("e3", "e2", "e1");
        assertThat(ids(search(null, null, refs("Appointment/a1"), null, null, null, null))).containsExactly("e1");
        assertThat(ids(search(null, null, refs("Patient/p1"), null, null, null, null))).containsExactly("e1");
        assertThat(ids(search(null, null, refs("Appointment/a9"), null, null, null, null))).isEmpty();
        assertThat(ids(search(null, null, null, refs("Patient/p1"), null, null, null))).containsExactly("e1");
        assertThat(ids(search(null, null, null, null, tokens("U"), null, null))).containsExactly("e3");
        assertThat(ids(search(null, null, null, null, null, tokens("4"), null))).containsExactly("e2");
        assertThat(ids(search(null, null, null, null, null, null, tokens("ITI-116")))).containsExactly("e2", "e1");
        assertThat(ids(search(null, null, null, null, null, null, tokens("update")))).containsExactly("e3");
    }

    @Test
    void readRendersTheEventAndTheOldestDropOutBeyondTheLimit() {
        for (int i = 0; i < 5; i++) {
            log.onValue(event("e" + i, "2026-11-30T07:0" + i + ":00Z", "C", 0, "c", "Slot", "s" + i, null, null));
        }
        log.onValue(event("e4", "2026-11-30T07:04:00Z", "C", 0, "c", "Slot", "s4", null, null)); // a redelivery: no duplicate

        assertThat(ids(search(null, null, null, null, null, null, null))).containsExactly("e4", "e3", "e2");
        org.hl7.fhir.r4.model.AuditEvent read = provider.read(new IdType("AuditEvent", "e3"));
        assertThat(read.getEntityFirstRep().getWhat().getReference()).isEqualTo("Slot/s3");
        assertThatThrownBy(() -> provider.read(new IdType("AuditEvent", "e0"))).isInstanceOf(ResourceNotFoundException.class);
    }

    private List<IBaseResource> search(DateRangeParam date, ReferenceOrListParam agent, ReferenceOrListParam entity,
                                       ReferenceOrListParam patient, TokenOrListParam action, TokenOrListParam outcome,
                                       TokenOrListParam subtype) {
        var bundle = provider.search(date, agent, entity, patient, action, outcome, subtype);
        return bundle.getResources(0, bundle.size(), null);
    }

    private static List<String> ids(List<IBaseResource> resources) {
        return resources.stream().map(r -> r.getIdElement().getIdPart()).toList();
    }

    private static ReferenceOrListParam refs(String value) {
        return new ReferenceOrListParam().add(new ReferenceParam(value));
    }

    private static TokenOrListParam tokens(String value) {
        return new TokenOrListParam().add(value);
    }

    private static AuditEvent event(String id, String recorded, String action, int outcome, String client, String type,
                                    String entityId, String patient, String eventCode) {
        return AuditEvent.newBuilder().setId(id).setRecorded(Instant.parse(recorded)).setService("ingest-service")
                .setAction(action).setInteraction("U".equals(action) ? "update" : "operation").setMethod("POST")
                .setPath("/fhir/x").setHttpStatus(outcome == 0 ? 200 : 409).setOutcome(outcome).setClientId(client)
                .setEntityType(type).setEntityId(entityId).setPatient(patient).setEventCode(eventCode).build();
    }
}
