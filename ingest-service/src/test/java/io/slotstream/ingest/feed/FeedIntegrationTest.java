package io.slotstream.ingest.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsServer;
import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirSlot;
import io.slotstream.deploy.local.LocalCertificates;
import io.slotstream.ingest.IntakeTestSupport;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.UrlType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Aggregator mode against publishers served from this test (issue 13): every field-notes quirk and what lands in the
 * topics, a 2021-draft feed, an STU1 feed answering {@code _since}, a 304-answering publisher, a failing file (never
 * deletes what it delivered before), removals after a full snapshot, a feed that disappears (stale, then withdrawn),
 * and the admin API's errors.
 */
@Timeout(180)
class FeedIntegrationTest extends IntakeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TX = "2026-11-30T00:00:00Z";

    @Autowired
    FhirAvroMapper mapper;

    private TestPublisher publisher;
    private final List<String> subscribed = new java.util.ArrayList<>();

    @BeforeEach
    void publisher() throws Exception {
        publisher = new TestPublisher();
    }

    @AfterEach
    void stop() throws Exception {
        for (String source : subscribed) {
            send("DELETE", "/admin/feeds/" + source, null, null, null);
        }
        publisher.close();
    }

    @Test
    void everyQuirkIsRepairedAndCountedAndUnusableLinesAreDeadLetteredWithFileAndLine() throws Exception {
        String source = newSource();
        publisher.file("/q/$bulk-publish", """
                {"transactionTime":"%s","request":"x","output":[
                  [{"type":"Location","url":"locations.ndjson","extension":null}],
                  {"type":"Schedule","url":"%s","extension":{"state":"MA"}},
                  {"type":"Device","url":"%s"},
                  {"type":"Slot","url":"%s","extension":{"state":["MA"]},"currentAsOf":"2026-11-29T00:00:00Z"}],
                 "error":[]}""".formatted(TX, publisher.url("/q/schedules.ndjson"), publisher.url("/q/devices.ndjson"),
                publisher.url("/q/slots.ndjson?sig=abc%2Bdef")));
        publisher.file("/q/locations.ndjson", String.join("\n",
                """
                {"resourceType":"Location","id":"loc-1","name":"Rite Aid","description":null,"telecom":[{"system":"phone","value":"555-0100"}],"address":[{"line":["1 Main St, Boston, MA 02114"],"city":"Boston","state":"MA","postalCode":"02114"}],"identifier":[{"system":"https://cdc.gov/vaccines/programs/vtrcks","value":"unknown VTrckS pin for 13656"},{"system":"urn:x","value":""}]}""".strip(),
                """
                {"resourceType":"Location","id":"store 2/b","name":"Rite Aid","telecom":[{"system":"phone","value":"555-0101"}],"address":{"city":"Lowell","state":"MA"}}""".strip()));
        publisher.file("/q/schedules.ndjson", String.join("\n",
                """
                {"resourceType":"Schedule","id":"sch-1","actor":[{"reference":"Location/loc-1"}],"serviceType":[{"coding":[{"system":"http://hl7.org/fhir/StructureDefinition/service-type","code":"57","display":"Immunization"}]}],"extension":[{"url":"http://fhir-registry.smarthealthit.org/StructureDefinition/vaccine-product","valueCoding":{"system":"http://hl7.org/fhir/sid/cvx","code":null,"display":"Pfizer"}},{"url":"http://fhir-registry.smarthealthit.org/StructureDefinition/vaccine-product","valueCoding":{"system":"http://hl7.org/fhir/sid/cvx","code":"207","display":"Moderna"}}]}""".strip(),
                """
                {"resourceType":"Schedule","id":"sch-2","actor":[{"reference":"Location/missing"}],"serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"57"}]}]}""".strip()));
        publisher.file("/q/devices.ndjson", "{\"resourceType\":\"Device\",\"id\":\"d\"}\n");
        String link = "\"extension\":[{\"url\":\"http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link\",\"valueUrl\":\"https://book.example.org/s\"}";
        publisher.file("/q/slots.ndjson", String.join("\n",
                slot("store-1", "Schedule/sch-1", "2026-12-01T09:00:00-05:00", "2026-12-01T09:30:00-05:00", link + "]"),
                slot("store-1", "Schedule/sch-1", "2026-12-02T09:00:00-05:00", "2026-12-02T09:30:00-05:00", link + "]"),
                slot("store-1", "Schedule/sch-1", "2026-12-03T09:00:00-05:00", "2026-12-03T09:30:00-05:00", link + "]"),
                slot("cap", "Schedule/sch-1", "2026-12-01T10:00-05:00", "2026-12-01T10:30-05:00",
                        link + ",{\"url\":\"http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity\",\"valueInteger\":\"0\"}]"),
                slot("day", "Schedule/sch-1", "2026-12-04T00:00:00-05:00", "2026-12-04T00:00:00-05:00", link + "]"),
                slot("orphan", "Schedule/nope", "2026-12-01T11:00:00-05:00", "2026-12-01T11:30:00-05:00", link + "]"),
                "{\"resourceType\":\"Slot\",\"id\":\"bad\u0001\"}",
                "[1,2]",
                "{\"resourceType\":\"Slot\",\"id\":\"nostart\",\"schedule\":{\"reference\":\"Schedule/sch-1\"},\"status\":\"free\",\"end\":\"2026-12-01T11:30:00-05:00\"}",
                "{\"resourceType\":\"Device\",\"id\":\"d2\"}",
                slot("store-1", "Schedule/sch-1", "2026-12-01T09:00:00-05:00", "2026-12-01T09:30:00-05:00", link + "]"),
                slot("early", "Schedule/sch-1", "2026-11-29T09:00:00Z", "2026-11-29T09:30:00Z", link + "]").replace("\"free\"", "\"busy\"")));
        publisher.requireQuery("/q/slots.ndjson", "sig=abc%2Bdef");

        subscribe(source, publisher.url("/q/$bulk-publish"), Map.of("interval", "1h"));
        JsonNode status = awaitPoll(source, 1);

        assertThat(status.path("lastError").isNull()).as(status.toString()).isTrue();
        assertThat(JSON.convertValue(status.path("resources"), Map.class)).isEqualTo(Map.of("Location", 2, "Schedule", 2, "Slot", 7));
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("manifest-nested-output", 1);
        expected.put("manifest-state-not-array", 1);
        expected.put("unsupported-type", 2);
        expected.put("repeated-id", 3);
        expected.put("duplicate-resource", 1);
        expected.put("invalid-id", 1);
        expected.put("null-value", 2);
        expected.put("placeholder-identifier", 2);
        expected.put("address-array", 1);
        expected.put("address-line-repeats-city", 1);
        expected.put("generic-location-name", 1);
        expected.put("integer-as-string", 1);
        expected.put("structure-definition-as-code-system", 1);
        expected.put("coding-without-code", 1);
        expected.put("several-products", 1);
        expected.put("timestamp-without-seconds", 2);
        expected.put("zero-length-slot", 1);
        expected.put("slot-started-before-transaction-time", 1);
        expected.put("orphan-schedule", 1);
        expected.put("orphan-slot", 1);
        assertThat(JSON.convertValue(status.path("warnings"), Map.class)).isEqualTo(expected);
        assertThat(status.path("rejects").path("lastPoll").asInt()).isEqualTo(3);
        // the signed URL was requested with its query string exactly, and gzip was used
        assertThat(publisher.requests).anyMatch(r -> r.path().equals("/q/slots.ndjson") && "sig=abc%2Bdef".equals(r.query()) && r.status() == 200);
        assertThat(publisher.requests).allMatch(r -> r.acceptEncoding() != null && r.acceptEncoding().contains("gzip"));

        Map<String, Slot> slots = live(Topics.SLOT, source).values().stream()
                .map(r -> (Slot) mapper.toFhir(r)).collect(Collectors.toMap(s -> s.getIdElement().getIdPart(), s -> s));
        assertThat(slots).hasSize(7);
        String publisherIdSystem = "urn:slotstream:source:" + source + "/publisher-id";
        List<Slot> store1 = slots.values().stream().filter(s -> s.getIdentifier().stream()
                .anyMatch(i -> publisherIdSystem.equals(i.getSystem()) && "store-1".equals(i.getValue()))).toList();
        assertThat(store1).as("a repeated id never collapses distinct slots").hasSize(3);
        assertThat(store1).extracting(s -> s.getStartElement().getValueAsString()).containsExactlyInAnyOrder(
                "2026-12-01T09:00:00-05:00", "2026-12-02T09:00:00-05:00", "2026-12-03T09:00:00-05:00");
        Slot first = store1.stream().filter(s -> s.getStartElement().getValueAsString().startsWith("2026-12-01")).findFirst().orElseThrow();
        assertThat(first.getMeta().getSource()).isEqualTo(publisher.url("/q/Slot/store-1"));
        assertThat(first.getMeta().getLastUpdated().toInstant().toString()).isEqualTo(TX);
        assertThat(((UrlType) first.getExtensionByUrl(SchedulingExtensions.BOOKING_DEEP_LINK).getValue()).getValue())
                .as("the publisher's booking deep link is kept").isEqualTo("https://book.example.org/s");
        Slot cap = byPublisherId(slots.values(), publisherIdSystem, "cap");
        assertThat(cap.getStartElement().getValueAsString()).isEqualTo("2026-12-01T10:00:00-05:00");
        assertThat(((IntegerType) cap.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity").getValue()).getValue()).isZero();
        assertThat(byPublisherId(slots.values(), publisherIdSystem, "day").getEndElement().getValueAsString()).isEqualTo("2026-12-05T00:00:00-05:00");
        assertThat(byPublisherId(slots.values(), publisherIdSystem, "orphan").getSchedule().getReference()).isEqualTo("Schedule/" + source + ".nope");

        List<Location> locations = live(Topics.LOCATION, source).values().stream().map(r -> (Location) mapper.toFhir(r)).toList();
        Location renamed = locations.stream().filter(l -> l.getIdentifier().stream().anyMatch(i -> "store 2/b".equals(i.getValue()))).findFirst().orElseThrow();
        assertThat(renamed.getIdElement().getIdPart()).startsWith(source + ".h");
        Location loc1 = locations.stream().filter(l -> l.getIdElement().getIdPart().equals(source + ".loc-1")).findFirst().orElseThrow();
        assertThat(loc1.getAddress().getCity()).isEqualTo("Boston");
        assertThat(loc1.getIdentifier()).noneMatch(i -> i.getValue() == null || i.getValue().startsWith("unknown"));

        List<DeadLetter> letters = readCommitted(Topics.DEAD_LETTER, source::equals).stream().map(ConsumerRecord::value).toList();
        assertThat(letters).hasSize(3);
        assertThat(letters).allSatisfy(d -> {
            assertThat(d.getFeedUrl()).isEqualTo(publisher.url("/q/$bulk-publish"));
            assertThat(d.getFileUrl()).isEqualTo(publisher.url("/q/slots.ndjson?sig=abc%2Bdef"));
        });
        assertThat(letters).extracting(DeadLetter::getLineNumber).containsExactlyInAnyOrder(7L, 8L, 9L);
        assertThat(letters.stream().filter(d -> d.getLineNumber() == 7).findFirst().orElseThrow().getReason()).contains("invalid JSON");
        assertThat(letters.stream().filter(d -> d.getLineNumber() == 9).findFirst().orElseThrow().getExpression()).contains("start");
    }

    @Test
    void draft2021FeedLoadsAnswers304AndAFullSnapshotRemovesOnlyWhatReadableFilesNoLongerList() throws Exception {
        String source = newSource();
        Path folder = Path.of("..", "deploy", "local", "sample-feeds", "ssl-2021-smart-on-fhir");
        String github = "https://raw.githubusercontent.com/smart-on-fhir/smart-scheduling-links/master/examples/";
        String manifest = Files.readString(folder.resolve("$bulk-publish")).replace(github, publisher.url("/d/"));
        publisher.file("/d/$bulk-publish", manifest);
        for (String name : List.of("locations.ndjson", "schedules.ndjson", "slots-2021-W09.ndjson", "slots-2021-W10.ndjson",
                "slots-2021-W11.ndjson", "slots-2021-W12.ndjson", "slots-2021-W13.ndjson")) {
            publisher.file("/d/" + name, Files.readString(folder.resolve(name)));
        }
        subscribe(source, publisher.url("/d/$bulk-publish"), Map.of("interval", "1s"));
        JsonNode status = awaitPoll(source, 1);
        assertThat(status.path("lastError").isNull()).as(status.toString()).isTrue();
        assertThat(JSON.convertValue(status.path("resources"), Map.class)).isEqualTo(Map.of("Location", 10, "Schedule", 10, "Slot", 300));
        Map<String, SpecificRecord> slots = live(Topics.SLOT, source);
        assertThat(slots).hasSize(300);
        Slot legacy = (Slot) mapper.toFhir(slots.values().iterator().next());
        assertThat(legacy.hasExtension(SchedulingExtensions.BOOKING_DEEP_LINK)).as("2021 extensions normalised to STU1").isTrue();

        // An unchanged publication: the manifest answers 304 to If-None-Match.
        await().atMost(Duration.ofSeconds(30)).until(() -> publisher.count("/d/$bulk-publish", 304) >= 1);
        assertThat(publisher.requests).anyMatch(r -> r.path().equals("/d/$bulk-publish") && r.ifNoneMatch() != null);

        // The publisher drops one slot from W09 and one from W10, but W10 now fails: only W09's is removed.
        String w09 = Files.readString(folder.resolve("slots-2021-W09.ndjson"));
        String w10 = Files.readString(folder.resolve("slots-2021-W10.ndjson"));
        String droppedW09 = w09.lines().findFirst().orElseThrow();
        String droppedW10 = w10.lines().findFirst().orElseThrow();
        publisher.fail("/d/slots-2021-W10.ndjson", 500);
        publisher.file("/d/slots-2021-W10.ndjson", w10.substring(droppedW10.length() + 1));
        publisher.file("/d/slots-2021-W09.ndjson", w09.substring(droppedW09.length() + 1));
        publisher.file("/d/$bulk-publish", manifest.replace("2021-04-22T14:28:21.582Z", "2021-04-23T14:28:21.582Z"));
        JsonNode afterFailure = await().atMost(Duration.ofSeconds(60)).until(() -> status(source),
                s -> "2021-04-23T14:28:21.582Z".equals(s.path("transactionTime").asText()) && !s.path("lastError").isNull());
        assertThat(afterFailure.path("lastError").asText()).contains("slots-2021-W10.ndjson");
        assertThat(afterFailure.path("resources").path("Slot").asInt()).isEqualTo(299);
        String goneId = JSON.readTree(droppedW09).path("id").asText();
        String keptId = JSON.readTree(droppedW10).path("id").asText();
        Map<String, SpecificRecord> after = live(Topics.SLOT, source);
        assertThat(after).hasSize(299);
        assertThat(after.values().stream().map(r -> ((FhirSlot) r).getProvenance().getMetaSource()))
                .noneMatch(s -> s != null && s.endsWith("/Slot/" + goneId))
                .anyMatch(s -> s != null && s.endsWith("/Slot/" + keptId));

        // W10 heals: now its dropped slot goes too.
        publisher.heal("/d/slots-2021-W10.ndjson");
        await().atMost(Duration.ofSeconds(60)).until(() -> status(source),
                s -> s.path("lastError").isNull() && s.path("resources").path("Slot").asInt() == 298);
        assertThat(live(Topics.SLOT, source)).hasSize(298);
    }

    @Test
    void stu1FeedHonouringSinceIsReadIncrementallyAndADisappearingFeedGoesStaleThenItsSlotsAreWithdrawn() throws Exception {
        String source = newSource();
        String patientType = "{\"url\":\"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type\",\"valueCoding\":{\"system\":\"http://terminology.hl7.org/CodeSystem/accepting-patients\",\"code\":\"newpt\"}}";
        String phone = "{\"url\":\"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone\",\"valueContactPoint\":{\"system\":\"phone\",\"value\":\"+1-555-0100\"}}";
        String ext = "\"extension\":[" + patientType + "," + phone + "]";
        String s1 = slot("s1", "Schedule/sch", "2026-12-10T09:00:00-05:00", "2026-12-10T09:30:00-05:00", ext);
        String s2 = slot("s2", "Schedule/sch", "2026-12-10T10:00:00-05:00", "2026-12-10T10:30:00-05:00", ext);
        publisher.file("/s/locations.ndjson", "{\"resourceType\":\"Location\",\"id\":\"loc\",\"name\":\"Clinic\",\"telecom\":[{\"system\":\"phone\",\"value\":\"555\"}]}\n");
        publisher.file("/s/schedules.ndjson", "{\"resourceType\":\"Schedule\",\"id\":\"sch\",\"actor\":[{\"reference\":\"Location/loc\"}],\"serviceType\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/service-type\",\"code\":\"124\"}]}]}\n");
        publisher.file("/s/slots.ndjson", s1 + "\n" + s2 + "\n");
        publisher.file("/s/changed.ndjson", s1.replace("\"free\"", "\"busy\"") + "\n");
        publisher.file("/s/deleted.ndjson", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\"Slot/s2\"}}]}\n");
        String full = """
                {"transactionTime":"2026-11-30T00:00:00Z","request":"%s","output":[
                 {"type":"Location","url":"%s"},{"type":"Schedule","url":"%s"},{"type":"Slot","url":"%s"}],"error":[]}"""
                .formatted(publisher.url("/s/$bulk-publish"), publisher.url("/s/locations.ndjson"), publisher.url("/s/schedules.ndjson"), publisher.url("/s/slots.ndjson"));
        String delta = """
                {"transactionTime":"2026-11-30T01:00:00Z","request":"%s?_since=2026-11-30T00:00:00Z","output":[{"type":"Slot","url":"%s"}],
                 "deleted":[{"type":"Bundle","url":"%s"}],"error":[]}"""
                .formatted(publisher.url("/s/$bulk-publish"), publisher.url("/s/changed.ndjson"), publisher.url("/s/deleted.ndjson"));
        publisher.dynamic("/s/$bulk-publish", query -> query != null && query.startsWith("_since=") ? delta : full);

        subscribe(source, publisher.url("/s/$bulk-publish"), Map.of("interval", "1s", "staleAfter", "3s", "withdrawAfter", "6s"));
        JsonNode incremental = await().atMost(Duration.ofSeconds(60)).until(() -> status(source),
                s -> "incremental".equals(s.path("mode").asText()));
        assertThat(publisher.requests).anyMatch(r -> r.path().equals("/s/$bulk-publish") && "_since=2026-11-30T00%3A00%3A00Z".equals(r.query()));
        assertThat(incremental.path("resources").path("Slot").asInt()).isEqualTo(1);
        Map<String, SpecificRecord> slots = live(Topics.SLOT, source);
        assertThat(slots).hasSize(1);
        Slot booked = (Slot) mapper.toFhir(slots.values().iterator().next());
        assertThat(booked.getStatus()).isEqualTo(Slot.SlotStatus.BUSY);
        assertThat(booked.getExtensionByUrl(SchedulingExtensions.BOOKING_PHONE)).isNotNull();

        // The publisher disappears: failures never delete; the feed turns stale, then its slots are withdrawn.
        publisher.failEverything(404);
        JsonNode failing = await().atMost(Duration.ofSeconds(30)).until(() -> status(source), s -> !s.path("lastError").isNull());
        assertThat(failing.path("lastError").asText()).contains("404");
        assertThat(live(Topics.SLOT, source)).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(source), s -> s.path("stale").asBoolean());
        JsonNode withdrawn = await().atMost(Duration.ofSeconds(30)).until(() -> status(source), s -> s.path("withdrawn").asBoolean());
        assertThat(withdrawn.path("resources").has("Slot")).isFalse();
        assertThat(live(Topics.SLOT, source)).isEmpty();
        assertThat(live(Topics.LOCATION, source)).as("only slots are withdrawn").hasSize(1);

        // Back with new data: its slots return.
        publisher.heal("*");
        publisher.dynamic("/s/$bulk-publish", query -> full.replace("2026-11-30T00:00:00Z", "2026-11-30T02:00:00Z"));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(source), s -> !s.path("withdrawn").asBoolean() && !s.path("stale").asBoolean());
        await().atMost(Duration.ofSeconds(30)).until(() -> live(Topics.SLOT, source).size() == 2);
    }

    @Test
    void aPublisherWhoseCertificateIsNotTrustedShowsTheTlsFailureInTheFeedStatus(@TempDir Path dir) throws Exception {
        // this context has no slotstream.tls.client-bundle: the JVM's CAs only, which do not include this private CA
        HttpsServer https = LocalCertificates.create(dir).httpsServer(exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        try {
            String source = newSource();
            subscribe(source, "https://127.0.0.1:" + https.getAddress().getPort() + "/$bulk-publish", Map.of("interval", "1h"));
            JsonNode status = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> status(source), s -> s.path("lastError").isTextual());
            assertThat(status.path("lastSuccess").isNull()).as(status.toString()).isTrue();
            assertThat(status.path("lastError").asText()).as(status.toString())
                    .contains("the server's TLS certificate is not trusted").contains("slotstream.tls.client-bundle");
        } finally {
            https.stop(0);
        }
    }

    @Test
    void adminApiAnswersErrorsWithOperationOutcomesAndKeepsHeaderValuesSecret() throws Exception {
        String source = newSource();
        HttpResponse<String> badUrl = send("PUT", "/admin/feeds/" + source, "{\"url\":\"ftp://x/y\"}", "application/json", null);
        assertThat(badUrl.statusCode()).isEqualTo(400);
        JsonNode outcome = JSON.readTree(badUrl.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").path(0).path("expression").path(0).asText()).isEqualTo("url");
        HttpResponse<String> badInterval = send("PUT", "/admin/feeds/" + source,
                "{\"url\":\"http://127.0.0.1:9/$bulk-publish\",\"interval\":\"10ms\"}", "application/json", null);
        assertThat(badInterval.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(badInterval.body()).path("issue").path(0).path("details").path("text").asText()).contains("sched-6");
        assertThat(send("PUT", "/admin/feeds/bad.source", "{\"url\":\"http://127.0.0.1:9/$bulk-publish\"}", "application/json", null).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/admin/feeds/" + source, null, null, null).statusCode()).isEqualTo(404);

        HttpResponse<String> created = send("PUT", "/admin/feeds/" + source,
                "{\"url\":\"http://127.0.0.1:9/$bulk-publish?locale=en\",\"headers\":{\"X-Api-Key\":\"s3cret\"},\"interval\":\"1h\"}", "application/json", null);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("s3cret").contains("X-Api-Key").contains("?locale=en").contains("PT1H");
        HttpResponse<String> list = send("GET", "/admin/feeds", null, null, null);
        assertThat(JSON.readTree(list.body()).path("feeds").findValuesAsText("source")).contains(source);
        HttpResponse<String> tooSoon = await().atMost(Duration.ofSeconds(20)).until(
                () -> send("POST", "/admin/feeds/" + source + "/poll", null, null, null), r -> r.statusCode() != 409);
        assertThat(tooSoon.statusCode()).isIn(202, 429);
        assertThat(send("DELETE", "/admin/feeds/" + source, null, null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/admin/feeds/" + source, null, null, null).statusCode()).isEqualTo(404);
    }

    private static String slot(String id, String schedule, String start, String end, String extension) {
        return "{\"resourceType\":\"Slot\",\"id\":\"" + id + "\",\"schedule\":{\"reference\":\"" + schedule
                + "\"},\"status\":\"free\",\"start\":\"" + start + "\",\"end\":\"" + end + "\"," + extension + "}";
    }

    private static Slot byPublisherId(java.util.Collection<Slot> slots, String system, String id) {
        return slots.stream().filter(s -> s.getIdentifier().stream().anyMatch(i -> system.equals(i.getSystem()) && id.equals(i.getValue())))
                .findFirst().orElseThrow(() -> new AssertionError("no slot with publisher id " + id));
    }

    private void subscribe(String source, String url, Map<String, String> extra) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("url", url);
        HttpResponse<String> r = send("PUT", "/admin/feeds/" + source, JSON.writeValueAsString(body), "application/json", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        subscribed.add(source);
    }

    private JsonNode status(String source) throws Exception {
        return JSON.readTree(send("GET", "/admin/feeds/" + source, null, null, null).body());
    }

    private JsonNode awaitPoll(String source, int polls) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(source), s -> !s.path("lastPoll").isMissingNode() && !s.path("lastPoll").isNull() && s.path("mode").isTextual());
    }

    /** The latest record per key of the source on the topic; tombstoned keys are left out. */
    private static <V extends SpecificRecord> Map<String, SpecificRecord> live(io.slotstream.schemas.topic.Topic<V> topic, String source) {
        Map<String, SpecificRecord> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, V> r : readCommitted(topic, k -> k.startsWith(source + "."))) {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        }
        return latest;
    }
}
