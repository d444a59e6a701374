package io.slotstream.ingest;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.slotstream.ingest.Fixtures.bundle;
import static io.slotstream.ingest.Fixtures.location;
import static io.slotstream.ingest.Fixtures.schedule;
import static io.slotstream.ingest.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;

/** The intake end to end against the real broker and registry: what lands on the topics, and what does not. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FhirIntakeIntegrationTest extends IntakeTestSupport {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void transactionOfLocationScheduleAndSlotsLandsOnThreeTopicsWithCanonicalKeysAndProvenance() throws Exception {
        String src = newSource();
        String body = bundle("transaction",
                "urn:uuid:11111111-1111-1111-1111-111111111111|PUT|Location/loc-1|" + location("loc-1"),
                "urn:uuid:22222222-2222-2222-2222-222222222222|PUT|Schedule/sch-1|"
                        + schedule("sch-1", "urn:uuid:11111111-1111-1111-1111-111111111111"),
                "|PUT|Slot/s-1|" + slot("s-1", "urn:uuid:22222222-2222-2222-2222-222222222222"),
                "|PUT|Slot/s-2|" + slot("s-2", "Schedule/sch-1", "2026-10-01T09:15:00-04:00", "2026-10-01T09:30:00-04:00"));
        Instant before = Instant.now();
        HttpResponse<String> response = post(body, src);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle answer = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        assertThat(answer.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(answer.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("201 Created", "201 Created", "201 Created", "201 Created");
        assertThat(answer.getEntry().get(2).getResponse().getLocation()).isEqualTo("Slot/s-1");

        List<ConsumerRecord<String, FhirLocation>> locations = readCommitted(Topics.LOCATION, k -> k.startsWith(src + "."));
        assertThat(locations).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(src + ".loc-1");
            assertThat(r.value().getId()).isEqualTo(src + ".loc-1");
            assertThat(r.value().getName()).isEqualTo("Clinic loc-1");
            assertThat(r.value().getProvenance().getSource()).isEqualTo(src);
            assertThat(r.value().getProvenance().getSourceResourceId()).isEqualTo("loc-1");
            assertThat(r.value().getIdentifier()).anySatisfy(id -> {
                assertThat(id.getSystem()).isEqualTo("urn:slotstream:source:" + src);
                assertThat(id.getValue()).isEqualTo("loc-1");
            });
        });
        List<ConsumerRecord<String, FhirSchedule>> schedules = readCommitted(Topics.SCHEDULE, k -> k.startsWith(src + "."));
        assertThat(schedules).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(src + ".sch-1");
            // the urn:uuid reference was resolved to the Location entry, then re-identified
            assertThat(r.value().getActor()).singleElement().satisfies(a -> assertThat(a.getReference()).isEqualTo("Location/" + src + ".loc-1"));
        });
        List<ConsumerRecord<String, FhirSlot>> slots = readCommitted(Topics.SLOT, k -> k.startsWith(src + "."));
        assertThat(slots).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(src + ".s-1", src + ".s-2");
        FhirSlot s1 = slots.stream().filter(r -> r.key().equals(src + ".s-1")).findFirst().orElseThrow().value();
        assertThat(s1.getSchedule().getReference()).isEqualTo("Schedule/" + src + ".sch-1");
        assertThat(s1.getStatus()).isEqualTo(SlotStatus.FREE);
        assertThat(s1.getStart()).isEqualTo(Instant.parse("2026-10-01T13:00:00Z"));
        assertThat(s1.getStartOffsetSeconds()).isEqualTo(-4 * 3600);
        assertThat(s1.getBookingDeepLink()).isEqualTo("https://ehr.example.org/book/s-1");
        assertThat(s1.getBookingPhone().getValue()).isEqualTo("555-0101");
        assertThat(s1.getPatientType().getCode()).isEqualTo("existptonly");
        assertThat(s1.getProvenance().getSource()).isEqualTo(src);
        assertThat(s1.getProvenance().getSourceResourceId()).isEqualTo("s-1");
        assertThat(s1.getProvenance().getIngestTime()).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(s1.getProvenance().getEventTime()).isEqualTo(s1.getProvenance().getIngestTime());
    }

    @Test
    void transactionWithOneInvalidEntryWritesNothingAndNamesTheElement() throws Exception {
        String src = newSource();
        String body = bundle("transaction",
                "|PUT|Location/loc-1|" + location("loc-1"),
                "|PUT|Schedule/sch-1|" + schedule("sch-1", "Location/loc-1"),
                "|PUT|Slot/ok|" + slot("ok", "Schedule/sch-1"),
                "|PUT|Slot/bad|" + slot("bad", "Schedule/sch-1", "2026-10-01T09:00:00-04:00", "2026-10-01T08:00:00-04:00"));

        HttpResponse<String> response = post(body, src);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssue()).singleElement().satisfies(issue -> {
            assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
            assertThat(issue.getExpression()).extracting(Object::toString).containsExactly("Bundle.entry[3].resource.end");
            assertThat(issue.getDetails().getText()).contains("Slot.end after Slot.start");
        });
        assertThat(readCommitted(Topics.LOCATION, k -> k.startsWith(src + "."))).isEmpty();
        assertThat(readCommitted(Topics.SCHEDULE, k -> k.startsWith(src + "."))).isEmpty();
        assertThat(readCommitted(Topics.SLOT, k -> k.startsWith(src + "."))).isEmpty();
        assertThat(get("/fhir/Slot/ok", src).statusCode()).isEqualTo(404);
    }

    @Test
    void batchJudgesEachEntryOnItsOwnAndDeadLettersTheRejected() throws Exception {
        String src = newSource();
        String bad = "{\"resourceType\":\"Slot\",\"id\":\"bad\",\"schedule\":{\"reference\":\"Schedule/x\"},\"status\":\"free\","
                + "\"start\":\"2021-03-10T15:00:00-05\",\"end\":\"2021-03-10T16:00:00-05:00\"}";
        String body = bundle("batch",
                "|PUT|Slot/good|" + slot("good", "Schedule/x"),
                "|PUT|Slot/bad|" + bad,
                "|PUT|Location/noname|{\"resourceType\":\"Location\",\"id\":\"noname\",\"telecom\":[{\"system\":\"phone\",\"value\":\"1\"}]}");

        HttpResponse<String> response = post(body, src);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle answer = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        assertThat(answer.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
        assertThat(answer.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("201 Created", "400 Bad Request", "422 Unprocessable Entity");
        OperationOutcome second = (OperationOutcome) answer.getEntry().get(1).getResponse().getOutcome();
        assertThat(second.getIssueFirstRep().getExpression().getFirst().getValue()).isEqualTo("Bundle.entry[1].resource.start");
        OperationOutcome third = (OperationOutcome) answer.getEntry().get(2).getResponse().getOutcome();
        assertThat(third.getIssueFirstRep().getExpression().getFirst().getValue()).isEqualTo("Bundle.entry[2].resource.name");

        assertThat(readCommitted(Topics.SLOT, k -> k.startsWith(src + "."))).extracting(ConsumerRecord::key)
                .containsExactly(src + ".good");
        List<ConsumerRecord<String, DeadLetter>> letters = readCommitted(Topics.DEAD_LETTER, src::equals);
        assertThat(letters).hasSize(2);
        DeadLetter slotLetter = letters.stream().map(ConsumerRecord::value).filter(d -> "bad".equals(d.getResourceId())).findFirst().orElseThrow();
        assertThat(slotLetter.getSource()).isEqualTo(src);
        assertThat(slotLetter.getResourceType()).isEqualTo("Slot");
        assertThat(slotLetter.getPayload()).contains("2021-03-10T15:00:00-05\"");
        assertThat(slotLetter.getExpression()).isEqualTo("Bundle.entry[1].resource.start");
        assertThat(slotLetter.getRule()).contains("datatypes");
        assertThat(slotLetter.getReason()).contains("2021-03-10T15:00:00-05");
    }

    @Test
    void reSendingAnIdenticalResourceWritesNothingAndAChangeWritesOnce() throws Exception {
        String src = newSource();
        String first = slot("s", "Schedule/x").replace("\"id\":\"s\",", "\"id\":\"s\",\"meta\":{\"lastUpdated\":\"2026-09-01T10:00:00Z\"},");
        String sameButLater = first.replace("2026-09-01T10:00:00Z", "2026-09-02T11:00:00Z");

        HttpResponse<String> created = put("/fhir/Slot/s", first, src);
        HttpResponse<String> again = put("/fhir/Slot/s", sameButLater, src);
        HttpResponse<String> bundled = post(bundle("transaction", "|PUT|Slot/s|" + first), src);
        HttpResponse<String> changed = put("/fhir/Slot/s", first.replace("\"free\"", "\"busy\""), src);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(bundled.body()).contains("200 OK");
        assertThat(changed.statusCode()).isEqualTo(200);
        Slot stored = FHIR.newJsonParser().parseResource(Slot.class, again.body());
        assertThat(stored.getMeta().getLastUpdated()).isEqualTo(Instant.parse("2026-09-01T10:00:00Z"));
        List<ConsumerRecord<String, FhirSlot>> records = readCommitted(Topics.SLOT, (src + ".s")::equals);
        assertThat(records).extracting(r -> r.value().getStatus()).containsExactly(SlotStatus.FREE, SlotStatus.BUSY);
        assertThat(records.getFirst().value().getProvenance().getEventTime()).isEqualTo(Instant.parse("2026-09-01T10:00:00Z"));
    }

    @Test
    void deleteWritesATombstoneAndGetThenSaysNotFound() throws Exception {
        String src = newSource();
        assertThat(put("/fhir/Location/gone", location("gone"), src).statusCode()).isEqualTo(201);
        assertThat(get("/fhir/Location/gone", src).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = send("DELETE", "/fhir/Location/gone", null, null, src);

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).contains("OperationOutcome");
        List<ConsumerRecord<String, FhirLocation>> records = readCommitted(Topics.LOCATION, (src + ".gone")::equals);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).value()).isNotNull();
        assertThat(records.get(1).value()).isNull();
        HttpResponse<String> read = get("/fhir/Location/gone", src);
        assertThat(read.statusCode()).isEqualTo(404);
        assertThat(read.body()).contains("\"resourceType\":\"OperationOutcome\"");
    }

    @Test
    void legacy2021SlotIsNormalisedToStu1() throws Exception {
        String src = newSource();
        String legacy = """
                {"resourceType":"Slot","id":"20","schedule":{"reference":"Schedule/10"},"status":"free",
                 "start":"2021-03-01T14:00:00.000Z","end":"2021-03-01T23:00:00.000Z",
                 "extension":[{"url":"http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link","valueUrl":"https://ehr-portal.example.org/bookings?slot=1000000"},
                  {"url":"http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone","valueString":"000-000-0000"},
                  {"url":"http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity","valueInteger":100}]}""";

        HttpResponse<String> response = put("/fhir/Slot/20", legacy, src);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        Slot stored = FHIR.newJsonParser().parseResource(Slot.class, get("/fhir/Slot/20", src).body());
        assertThat(stored.getIdElement().getIdPart()).isEqualTo(src + ".20");
        assertThat(stored.getSchedule().getReference()).isEqualTo("Schedule/" + src + ".10");
        assertThat(stored.getMeta().getSource()).isEqualTo("urn:slotstream:source:" + src + "/Slot/20");
        assertThat(stored.getExtensionByUrl(SchedulingExtensions.BOOKING_DEEP_LINK).getValue().primitiveValue())
                .isEqualTo("https://ehr-portal.example.org/bookings?slot=1000000");
        Extension phone = stored.getExtensionByUrl(SchedulingExtensions.BOOKING_PHONE);
        assertThat(((ContactPoint) phone.getValue()).getSystem()).isEqualTo(ContactPoint.ContactPointSystem.PHONE);
        assertThat(((ContactPoint) phone.getValue()).getValue()).isEqualTo("000-000-0000");
        assertThat(stored.getExtensionByUrl(SchedulingExtensions.PATIENT_TYPE).getValue().getNamedProperty("code")
                .getValues().getFirst().primitiveValue()).isEqualTo("newpt");
        assertThat(stored.getExtensionByUrl(SchedulingExtensions.LEGACY_SLOT_CAPACITY).getValue().primitiveValue()).isEqualTo("100");
        assertThat(stored.getExtensionByUrl(SchedulingExtensions.LEGACY_BOOKING_DEEP_LINK)).isNull();
        assertThat(stored.getExtensionByUrl(SchedulingExtensions.LEGACY_BOOKING_PHONE)).isNull();

        FhirSlot record = readCommitted(Topics.SLOT, (src + ".20")::equals).getFirst().value();
        assertThat(record.getBookingPhone().getSystem()).isEqualTo("phone");
        assertThat(record.getPatientType().getCode()).isEqualTo("newpt");
        assertThat(record.getExtensions()).extracting(e -> e.getUrl()).containsExactly(SchedulingExtensions.LEGACY_SLOT_CAPACITY);
    }

    @Test
    void twoSourcesWithTheSameIdNeverCollide() throws Exception {
        String a = newSource();
        String b = newSource();
        assertThat(put("/fhir/Location/1", location("1"), a).statusCode()).isEqualTo(201);
        assertThat(put("/fhir/Location/1", location("1").replace("Clinic 1", "Other 1"), b).statusCode()).isEqualTo(201);
        assertThat(get("/fhir/Location/1", a).body()).contains("Clinic 1").contains("\"id\":\"" + a + ".1\"");
        assertThat(get("/fhir/Location/1", b).body()).contains("Other 1").contains("\"id\":\"" + b + ".1\"");
    }

    @Test
    void metadataIsACapabilityStatementOfWhatIsSupported() throws Exception {
        HttpResponse<String> response = get("/fhir/metadata", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        var cs = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.CapabilityStatement.class, response.body());
        assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .containsExactlyInAnyOrder("Location", "Schedule", "Slot", "PractitionerRole", "Practitioner", "HealthcareService");
        assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode()).containsExactly("transaction", "batch");
        assertThat(cs.getRestFirstRep().getResourceFirstRep().getInteraction()).extracting(i -> i.getCode().toCode())
                .containsExactly("read", "update", "delete");
    }
}
