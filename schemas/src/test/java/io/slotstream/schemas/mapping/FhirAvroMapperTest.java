package io.slotstream.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.slotstream.schemas.mapping.Fixtures.MAPPER;
import static io.slotstream.schemas.mapping.Fixtures.json;
import static io.slotstream.schemas.mapping.Fixtures.parse;
import static io.slotstream.schemas.mapping.Fixtures.provenance;
import static io.slotstream.schemas.mapping.Fixtures.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Residual rules, meta/provenance, time offsets and errors of {@link FhirAvroMapper}, on hand-made resources. */
class FhirAvroMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOT_CORE = "\"schedule\":{\"reference\":\"Schedule/s1\"},\"status\":\"free\","
            + "\"start\":\"2026-03-21T10:45:00-04:00\",\"end\":\"2026-03-21T11:15:00-04:00\"";

    @Test
    void elementsTheTypedFieldsCannotCarryGoToTheResidualAndWinOnTheWayBack() throws Exception {
        Slot slot = parse(Slot.class, """
                {"resourceType":"Slot","id":"r1",
                 "meta":{"versionId":"3","lastUpdated":"2026-03-01T10:00:00.123Z",
                         "profile":["http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/smart-scheduling-slot"]},
                 "language":"en",
                 "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">free slot</div>"},
                 "extension":[
                   {"url":"http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity","valueInteger":3},
                   {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link","valueUrl":"https://portal.example.org/b?s=1"}],
                 "modifierExtension":[{"url":"http://example.org/must-understand","valueBoolean":true}],
                 "identifier":[{"system":"urn:x","value":"v1","period":{"start":"2026-01-01T00:00:00Z"}}],
                 "serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"124"}]}],
                 "comment":"see desk","_comment":{"extension":[{"url":"http://example.org/translation","valueString":"voir"}]},
                 %s}""".formatted(SLOT_CORE));

        FhirSlot avro = MAPPER.toAvro(slot, provenance("r1"));
        JsonNode residual = JSON.readTree(avro.getResidualJson());

        assertThat(fieldNames(residual)).containsExactlyInAnyOrder("resourceType", "meta", "language", "text",
                "extension", "modifierExtension", "identifier", "comment", "_comment");
        assertThat(residual.get("resourceType").asText()).isEqualTo("Slot");
        assertThat(residual.get("identifier").get(0).get("period").get("start").asText()).isEqualTo("2026-01-01T00:00:00Z");
        // Typed fields still carry their projection.
        assertThat(avro.getIdentifier().getFirst().getValue()).isEqualTo("v1");
        assertThat(avro.getComment()).isEqualTo("see desk");
        assertThat(avro.getBookingDeepLink()).isEqualTo("https://portal.example.org/b?s=1");
        assertThat(avro.getExtensions()).extracting(e -> e.getUrl()).containsExactly(SchedulingExtensions.LEGACY_SLOT_CAPACITY);
        assertThat(avro.getServiceType().getFirst().getCoding().getFirst().getCode()).isEqualTo("124");
        assertThat(avro.getProvenance().getSourceVersionId()).isEqualTo("3");
        assertThat(avro.getProvenance().getSourceLastUpdated()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));

        Slot back = (Slot) roundTrip(slot);
        assertThat(back.equalsDeep(slot)).as("%s%nvs%n%s", json(back), json(slot)).isTrue();
        // The residual, not the typed order (typed first), decides the extension order.
        assertThat(back.getExtension()).extracting(e -> e.getUrl()).containsExactly(
                SchedulingExtensions.LEGACY_SLOT_CAPACITY, SchedulingExtensions.BOOKING_DEEP_LINK);
        assertThat(back.getMeta().getProfile()).hasSize(1);
        assertThat(back.getIdElement().getValue()).isEqualTo("Slot/r1/_history/3");
    }

    @Test
    void residualIsNullWhenMetaHasOnlyVersionAndLastUpdated() {
        Slot slot = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r2\",\"meta\":{\"versionId\":\"7\","
                + "\"lastUpdated\":\"2026-03-01T10:00:00Z\"}," + SLOT_CORE + "}");

        FhirSlot avro = MAPPER.toAvro(slot, provenance("r2"));

        assertThat(avro.getResidualJson()).isNull();
        assertThat(avro.getProvenance().getSourceVersionId()).isEqualTo("7");
        Slot back = MAPPER.toFhir(AvroBinary.roundTrip(avro));
        assertThat(back.getMeta().getVersionId()).isEqualTo("7");
        assertThat(back.getMeta().getLastUpdatedElement().getValueAsString()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(back.equalsDeep(slot)).isTrue();
    }

    /** Aggregators set meta.source on every resource (SSL §9); it is typed so it costs no residual. */
    @Test
    void metaSourceIsTypedInProvenanceNotLeftToTheResidual() {
        Slot slot = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r3\",\"meta\":{\"versionId\":\"2\","
                + "\"lastUpdated\":\"2026-03-01T10:00:00Z\",\"source\":\"urn:slotstream:source:ehr-a#Slot/r3\"}," + SLOT_CORE + "}");

        FhirSlot avro = MAPPER.toAvro(slot, provenance("r3"));

        assertThat(avro.getResidualJson()).isNull();
        assertThat(avro.getProvenance().getMetaSource()).isEqualTo("urn:slotstream:source:ehr-a#Slot/r3");
        Slot back = MAPPER.toFhir(AvroBinary.roundTrip(avro));
        assertThat(back.getMeta().getSource()).isEqualTo("urn:slotstream:source:ehr-a#Slot/r3");
        assertThat(back.equalsDeep(slot)).isTrue();
    }

    @Test
    void provenanceVersionFieldsComeFromTheResourceNotTheCaller() {
        Slot slot = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r3\"," + SLOT_CORE + "}");
        Provenance given = Provenance.newBuilder(provenance("src-r3")).setSourceVersionId("99")
                .setSourceLastUpdated(Instant.EPOCH).build();

        FhirSlot avro = MAPPER.toAvro(slot, given);

        assertThat(avro.getProvenance().getSourceVersionId()).isNull();
        assertThat(avro.getProvenance().getSourceLastUpdated()).isNull();
        assertThat(avro.getProvenance().getSource()).isEqualTo("example-source");
        assertThat(avro.getProvenance().getSourceResourceId()).isEqualTo("src-r3");
        assertThat(avro.getProvenance().getIngestTime()).isEqualTo(Fixtures.INGEST_TIME);
        assertThat(MAPPER.toFhir(avro).hasMeta()).isFalse();
    }

    @Test
    void lastUpdatedWithALocalOffsetKeepsItThroughTheResidual() throws Exception {
        Slot slot = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r4\",\"meta\":{"
                + "\"lastUpdated\":\"2026-03-01T10:00:00-05:00\"}," + SLOT_CORE + "}");

        FhirSlot avro = MAPPER.toAvro(slot, provenance("r4"));

        assertThat(avro.getProvenance().getSourceLastUpdated()).isEqualTo(Instant.parse("2026-03-01T15:00:00Z"));
        assertThat(fieldNames(JSON.readTree(avro.getResidualJson()))).containsExactlyInAnyOrder("resourceType", "meta");
        assertThat(MAPPER.toFhir(avro).getMeta().getLastUpdatedElement().getValueAsString())
                .isEqualTo("2026-03-01T10:00:00-05:00");
    }

    @Test
    void slotTimesKeepOffsetAndMilliseconds() {
        Slot slot = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r5\",\"schedule\":{\"reference\":\"Schedule/s\"},"
                + "\"status\":\"busy-tentative\",\"start\":\"2026-03-21T10:45:00.123+05:30\",\"end\":\"2026-03-21T11:00:00+00:00\"}");

        FhirSlot avro = MAPPER.toAvro(slot, provenance("r5"));

        assertThat(avro.getStart()).isEqualTo(Instant.parse("2026-03-21T05:15:00.123Z"));
        assertThat(avro.getStartOffsetSeconds()).isEqualTo(5 * 3600 + 30 * 60);
        assertThat(avro.getEndOffsetSeconds()).isZero();
        assertThat(avro.getStatus()).isEqualTo(io.slotstream.avro.SlotStatus.BUSY_TENTATIVE);
        assertThat(avro.getResidualJson()).as("+00:00 and Z are the same offset").isNull();
        Slot back = MAPPER.toFhir(AvroBinary.roundTrip(avro));
        assertThat(back.getStartElement().getValueAsString()).isEqualTo("2026-03-21T10:45:00.123+05:30");
        assertThat(back.getEndElement().getValueAsString()).isEqualTo("2026-03-21T11:00:00Z");
        assertThat(back.getStatus()).isEqualTo(Slot.SlotStatus.BUSYTENTATIVE);
        assertThat(back.equalsDeep(slot)).isTrue();
    }

    @Test
    void aRepeatedSingleTypedExtensionKeepsTheSecondVerbatim() {
        Slot slot = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r6\",\"extension\":["
                + "{\"url\":\"" + SchedulingExtensions.BOOKING_DEEP_LINK + "\",\"valueUrl\":\"https://a.example/1\"},"
                + "{\"url\":\"" + SchedulingExtensions.BOOKING_DEEP_LINK + "\",\"valueUrl\":\"https://a.example/2\"}],"
                + SLOT_CORE + "}");

        FhirSlot avro = MAPPER.toAvro(slot, provenance("r6"));

        assertThat(avro.getBookingDeepLink()).isEqualTo("https://a.example/1");
        assertThat(avro.getExtensions()).singleElement().satisfies(e -> assertThat(e.getJson()).contains("https://a.example/2"));
        assertThat(avro.getResidualJson()).isNull();
        assertThat(roundTrip(slot).equalsDeep(slot)).isTrue();
    }

    @Test
    void locationTimeZoneAndPositionAreTyped() throws Exception {
        Location location = parse(Location.class, """
                {"resourceType":"Location","id":"l1","name":"Clinic",
                 "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/timezone","valueCode":"America/New_York"}],
                 "position":{"latitude":42.3601,"longitude":-71.0589}}""");

        FhirLocation avro = MAPPER.toAvro(location, provenance("l1"));

        assertThat(avro.getTimeZone()).isEqualTo("America/New_York");
        assertThat(avro.getPosition().getLatitude()).isEqualTo(42.3601);
        assertThat(avro.getPosition().getLongitude()).isEqualTo(-71.0589);
        assertThat(avro.getExtensions()).isEmpty();
        assertThat(avro.getResidualJson()).isNull();
        assertThat(roundTrip(location).equalsDeep(location)).isTrue();
    }

    @Test
    void aDecimalWhoseScaleADoubleLosesGoesToTheResidual() throws Exception {
        Location location = parse(Location.class, "{\"resourceType\":\"Location\",\"id\":\"l2\","
                + "\"position\":{\"latitude\":42.360100,\"longitude\":-71.0589}}");

        FhirLocation avro = MAPPER.toAvro(location, provenance("l2"));

        assertThat(avro.getPosition().getLatitude()).isEqualTo(42.3601);
        assertThat(fieldNames(JSON.readTree(avro.getResidualJson()))).containsExactlyInAnyOrder("resourceType", "position");
        assertThat(roundTrip(location).equalsDeep(location)).isTrue();
    }

    @Test
    void healthcareServiceProfileElementsAreTyped() {
        // Codes from SMART Scheduling Links STU1 §5.6; a UTC-midnight dateTime must come back as a dateTime.
        HealthcareService service = parse(HealthcareService.class, """
                {"resourceType":"HealthcareService","id":"hs1","active":true,
                 "providedBy":{"reference":"Organization/o1"},
                 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-category","code":"17"}]}],
                 "type":[{"coding":[{"system":"http://snomed.info/sct","code":"308335008"}]}],
                 "specialty":[{"coding":[{"system":"http://snomed.info/sct","code":"394814009"}]}],
                 "location":[{"reference":"Location/l1"}],"name":"General practice","comment":"walk in",
                 "telecom":[{"system":"phone","value":"555-0100","rank":1}],
                 "serviceProvisionCode":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-provision-conditions","code":"cost"}]}],
                 "appointmentRequired":false,
                 "availableTime":[{"daysOfWeek":["mon","tue"],"availableStartTime":"09:00:00","availableEndTime":"17:00:00"}],
                 "notAvailable":[{"description":"Holiday","during":{"start":"2026-12-25T00:00:00Z","end":"2026-12-25T23:59:59Z"}}]}""");

        FhirHealthcareService avro = MAPPER.toAvro(service, provenance("hs1"));

        assertThat(avro.getActive()).isTrue();
        assertThat(avro.getAppointmentRequired()).isFalse();
        assertThat(avro.getType().getFirst().getCoding().getFirst().getCode()).isEqualTo("308335008");
        assertThat(avro.getTelecom().getFirst().getRank()).isEqualTo(1);
        assertThat(avro.getAvailableTime()).singleElement().satisfies(t -> {
            assertThat(t.getDaysOfWeek()).containsExactly("mon", "tue");
            assertThat(t.getAvailableStartTime()).isEqualTo("09:00:00");
        });
        assertThat(avro.getNotAvailable().getFirst().getDuring().getStart()).isEqualTo(Instant.parse("2026-12-25T00:00:00Z"));
        assertThat(avro.getResidualJson()).as("UTC midnight dateTime would come back as a date").contains("notAvailable");
        HealthcareService back = MAPPER.toFhir(AvroBinary.roundTrip(avro));
        assertThat(back.equalsDeep(service)).as(json(back)).isTrue();
        assertThat(back.getNotAvailableFirstRep().getDuring().getStartElement().getValueAsString()).isEqualTo("2026-12-25T00:00:00Z");
    }

    @Test
    void mappingDoesNotAddEmptyElementsToTheInput() {
        Slot slot = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r7\"," + SLOT_CORE + "}");
        String before = json(slot);

        MAPPER.toAvro(slot, provenance("r7"));

        assertThat(json(slot)).isEqualTo(before);
        assertThat(slot.hasAppointmentType()).isFalse();
        assertThat(slot.hasMeta()).isFalse();
    }

    @Test
    void unsupportedTypesAreRejectedByName() {
        Device device = new Device();
        device.setId("d1");
        assertThatThrownBy(() -> MAPPER.toAvro((Resource) device, provenance("d1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Device");
        BookingEvent event = BookingEvent.newBuilder().setEventId("e").setSlotId("s").setType(BookingEventType.BOOKED)
                .setEventTime(Instant.EPOCH).setSource("portal").build();
        assertThatThrownBy(() -> MAPPER.toFhir(event))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BookingEvent");
    }

    @Test
    void aSlotWithoutIdOrRequiredElementsIsRejected() {
        Slot noId = parse(Slot.class, "{\"resourceType\":\"Slot\"," + SLOT_CORE + "}");
        assertThatThrownBy(() -> MAPPER.toAvro(noId, provenance("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no id");
        Slot noTimes = parse(Slot.class, "{\"resourceType\":\"Slot\",\"id\":\"r8\",\"status\":\"free\","
                + "\"schedule\":{\"reference\":\"Schedule/s\"}}");
        assertThatThrownBy(() -> MAPPER.toAvro(noTimes, provenance("r8")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Slot.start").hasMessageContaining("Slot.end");
    }

    @Test
    void dispatchPicksTheRecordType() {
        Resource location = parse("{\"resourceType\":\"Location\",\"id\":\"l3\",\"name\":\"A\"}");
        assertThat(MAPPER.toAvro(location, provenance("l3"))).isInstanceOf(FhirLocation.class);
        assertThat(MAPPER.toFhir(MAPPER.toAvro(location, provenance("l3")))).isInstanceOf(Location.class);
    }

    /** One awkward resource per mapped type: each needs exactly the residual elements listed, and round-trips. */
    static Stream<Arguments> awkwardResources() {
        return Stream.of(
                Arguments.of("""
                        {"resourceType":"Slot","id":"n1",
                         "contained":[{"resourceType":"Schedule","id":"s1","actor":[{"reference":"Location/1"}]}],
                         "schedule":{"reference":"#s1"},"status":"free",
                         "_status":{"extension":[{"url":"http://x","valueString":"y"}]},
                         "start":"2026-01-01T10:00:00Z","end":"2026-01-01T10:15:00Z",
                         "serviceType":[{"coding":[{"system":"s","code":"c","extension":[{"url":"http://e","valueBoolean":true}]}]}],
                         "appointmentType":{"text":"t"}}""", List.of("contained", "status", "_status", "serviceType")),
                Arguments.of("""
                        {"resourceType":"Slot","id":"n7","schedule":{"reference":"Schedule/s/_history/2"},
                         "status":"entered-in-error","start":"2026-01-01T10:00:00.5-03:30","end":"2026-01-01T10:15:00.120-03:30",
                         "overbooked":true,
                         "extension":[{"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone",
                           "valueContactPoint":{"system":"phone","value":"1","extension":[{"url":"http://q","valueCode":"z"}]}}]}""",
                        List.of("extension")),
                Arguments.of("""
                        {"resourceType":"Schedule","id":"n2","active":false,
                         "actor":[{"identifier":{"value":"x"}},{"reference":"Location/1","type":"Location"}],
                         "planningHorizon":{"start":"2026-01-01","end":"2026-02-01T10:00:00+02:00"},
                         "extension":[
                           {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/schedule-specialty","valueCoding":{"code":"a"}},
                           {"url":"http://other","valueString":"o"},
                           {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/schedule-specialty","valueCoding":{"code":"b"}}]}""",
                        List.of("actor", "planningHorizon", "extension")),
                Arguments.of("""
                        {"resourceType":"Location","id":"n3","status":"suspended","mode":"instance","alias":["A","B"],
                         "address":{"use":"work","type":"both","text":"t","line":["l1","l2"],"country":"US",
                                    "period":{"start":"2020-01-01T10:00:00Z"}},
                         "position":{"latitude":1,"longitude":2.5,"altitude":3.25},
                         "telecom":[{"system":"url","value":"https://x","rank":2,"period":{"end":"2030-01-01"}}],
                         "hoursOfOperation":[{"daysOfWeek":["mon"]}]}""", List.of("mode", "hoursOfOperation")),
                Arguments.of("""
                        {"resourceType":"PractitionerRole","id":"n4",
                         "identifier":[{"use":"official","system":"http://hl7.org/fhir/sid/us-npi","value":"1",
                           "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","version":"2","code":"NPI","userSelected":true}],"text":"NPI"},
                           "assigner":{"display":"CMS"}}],
                         "availableTime":[{"daysOfWeek":["mon"]}],"healthcareService":[{"reference":"HealthcareService/h"}]}""",
                        List.of("identifier", "availableTime")),
                Arguments.of("""
                        {"resourceType":"Practitioner","id":"n5","gender":"female","birthDate":"1970-01-01",
                         "name":[{"given":["A","B"],"suffix":["MD"],"period":{"start":"1999"}}],
                         "qualification":[{"code":{"text":"MD"}}]}""", List.of("name", "gender", "birthDate", "qualification")),
                Arguments.of("""
                        {"resourceType":"HealthcareService","id":"n6","name":"N","availabilityExceptions":"none",
                         "availableTime":[{"allDay":true,"daysOfWeek":["sat","sun"]}],"notAvailable":[{"description":"x"}],
                         "extension":[{"url":"http://a","extension":[{"url":"b","valueQuantity":{"value":1.50,"unit":"h"}}]}]}""",
                        List.of("availabilityExceptions")));
    }

    @ParameterizedTest
    @MethodSource("awkwardResources")
    void awkwardResourcesRoundTripThroughTheResidual(String json, List<String> residualElements) throws Exception {
        Resource resource = parse(json);

        var avro = (org.apache.avro.specific.SpecificRecordBase) MAPPER.toAvro(resource, provenance(resource.getIdPart()));
        JsonNode residual = JSON.readTree((String) avro.get("residualJson"));

        List<String> expected = new ArrayList<>(residualElements);
        expected.add("resourceType");
        assertThat(fieldNames(residual)).containsExactlyInAnyOrderElementsOf(expected);
        Resource back = roundTrip(resource);
        assertThat(back.equalsDeep(resource)).as("%s%nvs%n%s", json(back), json(resource)).isTrue();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
