package io.slotstream.publish.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.avro.ReferenceAvailability;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.publish.StackTestSupport;
import io.slotstream.publish.fixtures.Slots;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.topic.Topics;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP rules of the publication against the real broker + registry: manifest and file rules (issue 6 item 2),
 * sched-2/3 Accept variants, sched-5 Cache-Control, sched-7 ETag/Last-Modified and 304s, HEAD, CORS, gzip, sched-9
 * open access (no credentials anywhere), 404/400 OperationOutcomes, and sched-8 {@code _since} with deletions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublicationHttpIntegrationTest extends StackTestSupport {

    private static final long MONDAY = Instant.parse("2026-10-05T13:00:00Z").toEpochMilli();
    private Publication publication;

    @BeforeAll
    void publishAClinic() {
        FhirAvroMapper mapper = new FhirAvroMapper();
        Location location = new Location();
        location.setId("it-loc");
        location.setName("Integration Clinic Providence");
        location.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+1-401-555-0100");
        location.getAddress().addLine("1 Main St").setCity("Providence").setState("RI").setPostalCode("02903");
        Schedule schedule = new Schedule();
        schedule.setId("it-sch");
        schedule.addActor(new Reference("Location/it-loc").setDisplay("Integration Clinic Providence"));
        schedule.addServiceType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/service-type").setCode("124");
        produce(Topics.REFERENCE_AVAILABILITY, Map.of(
                "Location/it-loc", new ReferenceAvailability("Location/it-loc", List.of("RI"),
                        mapper.toAvro(location, Slots.provenance("it-loc"))),
                "Schedule/it-sch", new ReferenceAvailability("Schedule/it-sch", List.of("RI"),
                        mapper.toAvro(schedule, Slots.provenance("it-sch")))));
        Map<String, SlotAvailability> slots = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            slots.put("it-slot-" + i, Slots.slot("it-slot-" + i, "it-sch", i == 3 ? SlotStatus.BUSY : SlotStatus.FREE,
                    MONDAY + i * 15 * 60_000L, -4 * 3600, List.of("RI")));
        }
        produce(Topics.SLOT_AVAILABILITY, slots);
        publication = await(resources -> resources.keySet().containsAll(List.of("Location/it-loc", "Schedule/it-sch",
                "Slot/it-slot-0", "Slot/it-slot-19")));
    }

    @Test
    void manifestHasTheStu1FieldsAndAbsoluteFileUrls() {
        HttpResponse<String> response = get("/$bulk-publish");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode manifest = json(response.body());
        assertThat(manifest.path("transactionTime").asText())
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z");
        assertThat(manifest.path("request").asText()).isEqualTo(base() + "/$bulk-publish");
        assertThat(manifest.path("requiresAccessToken").asBoolean(true)).isFalse();
        assertThat(manifest.path("outputFormat").asText()).isEqualTo("application/fhir+ndjson");
        assertThat(manifest.path("error").isArray()).isTrue();
        assertThat(manifest.path("error")).isEmpty();
        assertThat(manifest.has("deleted")).as("a full publication has no deleted output").isFalse();
        assertThat(manifest.path("output")).allSatisfy(output -> {
            assertThat(output.path("type").asText()).isIn("Location", "Schedule", "PractitionerRole", "Slot");
            assertThat(output.path("url").asText()).startsWith(base() + "/data/").endsWith(".ndjson");
        });
        JsonNode riSlots = output(manifest, "Slot-RI-2026-W41");
        assertThat(riSlots.path("extension").path("state")).extracting(JsonNode::asText).containsExactly("RI");
        assertThat(output(manifest, "Location-RI").path("extension").path("state")).extracting(JsonNode::asText).contains("RI");

        HttpResponse<String> file = get(riSlots.path("url").asText());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/fhir+ndjson"));
        List<String> lines = lines(file.body());
        assertThat(lines).hasSize(20).allSatisfy(line -> assertThat(line).startsWith("{\"resourceType\":\"Slot\"").doesNotContain("\n"));
        assertThat(publication.resources().get("Slot/it-slot-3")).contains("\"status\":\"busy\"")
                .contains("\"start\":\"2026-10-05T09:45:00-04:00\"");
    }

    @Test
    void sameBodyForEveryAcceptHeader() {
        awaitAtRest();
        String manifest = get("/$bulk-publish").body();
        for (String accept : List.of("application/json", "*/*", "application/fhir+json", "text/html")) {
            HttpResponse<String> response = get("/$bulk-publish", "Accept", accept);
            assertThat(response.statusCode()).as(accept).isEqualTo(200);
            assertThat(response.body()).as(accept).isEqualTo(manifest);
        }
        String url = output(json(manifest), "Slot-RI-2026-W41").path("url").asText();
        String file = get(url).body();
        for (String accept : List.of("application/fhir+ndjson", "application/json", "*/*")) {
            HttpResponse<String> response = get(url, "Accept", accept);
            assertThat(response.statusCode()).as(accept).isEqualTo(200);
            assertThat(response.body()).as(accept).isEqualTo(file);
        }
    }

    @Test
    void cachingHeadersAndConditionalRequests() {
        // Another test's change leaves cuts behind (the delta's last one); each is a new manifest with a new ETag.
        awaitAtRest();
        HttpResponse<String> manifest = get("/$bulk-publish");
        String url = output(json(manifest.body()), "Slot-RI-2026-W41").path("url").asText();
        assertThat(manifest.headers().firstValue("Cache-Control")).hasValue("max-age=120, public");
        String lastModified = manifest.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(get("/$bulk-publish", "If-Modified-Since", lastModified).statusCode()).as("If-Modified-Since").isEqualTo(304);
        // A file name is its content's hash: the bytes never change, caches may keep them.
        assertThat(get(url).headers().firstValue("Cache-Control")).hasValue("max-age=31536000, public, immutable");
        for (HttpResponse<String> response : List.of(manifest, get(url))) {
            String target = response.uri().toString();
            String etag = response.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> byEtag = get(target, "If-None-Match", etag);
            assertThat(byEtag.statusCode()).as("If-None-Match %s", target).isEqualTo(304);
            assertThat(byEtag.body()).isEmpty();
            assertThat(get(target, "If-None-Match", "W/\"something-else\"").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void headAnswersWithTheHeadersOfGet() {
        awaitAtRest();
        HttpResponse<String> getResponse = get("/$bulk-publish");
        HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base() + "/$bulk-publish"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("ETag")).isEqualTo(getResponse.headers().firstValue("ETag"));
        assertThat(head.headers().firstValue("Content-Type")).isEqualTo(getResponse.headers().firstValue("Content-Type"));
        String url = output(json(getResponse.body()), "Slot-RI-2026-W41").path("url").asText();
        HttpResponse<String> headFile = send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(headFile.statusCode()).isEqualTo(200);
        assertThat(headFile.headers().firstValue("Content-Length")).hasValue(
                Integer.toString(get(url).body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void gzipWhenAskedFor() throws IOException {
        awaitAtRest();
        String plainManifest = get("/$bulk-publish").body();
        String url = output(json(plainManifest), "Slot-RI-2026-W41").path("url").asText();
        for (String target : List.of(base() + "/$bulk-publish", url)) {
            HttpResponse<byte[]> zipped = sendBytes(target, "Accept-Encoding", "gzip");
            assertThat(zipped.statusCode()).isEqualTo(200);
            assertThat(zipped.headers().firstValue("Content-Encoding")).as(target).hasValue("gzip");
            String unzipped;
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
                unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(unzipped).isEqualTo(get(target).body());
            assertThat(get(target).headers().firstValue("Content-Encoding")).as("no gzip unless asked").isEmpty();
        }
    }

    @Test
    void corsForBrowsersAndOpenAccess() {
        HttpResponse<String> manifest = get("/$bulk-publish");
        assertThat(manifest.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        String url = output(json(manifest.body()), "Location-RI").path("url").asText();
        assertThat(get(url, "Origin", "https://client.example.org").headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(base() + "/$bulk-publish"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()), "Origin", "https://client.example.org",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(h -> assertThat(h).contains("If-None-Match"));
    }

    @Test
    void unknownFilesAre404AndBadSinceIs400WithOperationOutcomes() {
        for (String path : List.of("/data/Nope.ndjson", "/data/Location-RI-0000000000000000.ndjson",
                "/data/CURRENT", "/data/..")) {
            HttpResponse<String> response = get(path);
            // a traversal attempt may already be refused by the HTTP edge as a bad request
            assertThat(response.statusCode()).as(path).isIn(path.endsWith("..") ? List.of(400, 404) : List.of(404));
            assertThat(json(response.body()).path("resourceType").asText()).as(path).isEqualTo("OperationOutcome");
            if (response.statusCode() == 404) {
                assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            }
        }
        for (String since : List.of("yesterday", "2026-01-01", "2026-01-01T10:00", "2026-13-01T10:00:00Z")) {
            HttpResponse<String> response = get("/$bulk-publish?_since=" + since);
            assertThat(response.statusCode()).as(since).isEqualTo(400);
            JsonNode outcome = json(response.body());
            assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(outcome.path("issue").get(0).path("code").asText()).isEqualTo("invalid");
            assertThat(outcome.path("issue").get(0).path("expression").get(0).asText()).isEqualTo("_since");
        }
    }

    @Test
    void sinceAnswersWithChangesAndDeletionsAndConvergesToTheFullPublication() {
        Publication before = await(r -> r.containsKey("Slot/it-slot-19") && !r.containsKey("Slot/it-new"));
        Map<String, String> client = new TreeMap<>(before.resources());

        Map<String, SlotAvailability> changes = new HashMap<>();
        changes.put("it-slot-5", Slots.slot("it-slot-5", "it-sch", SlotStatus.BUSY, MONDAY + 5 * 15 * 60_000L, -4 * 3600, List.of("RI")));
        changes.put("it-slot-6", null);
        changes.put("it-new", Slots.slot("it-new", "it-sch", SlotStatus.FREE, MONDAY + 30 * 15 * 60_000L, -4 * 3600, List.of("RI")));
        produce(Topics.SLOT_AVAILABILITY, changes);
        Publication after = await(r -> r.containsKey("Slot/it-new") && !r.containsKey("Slot/it-slot-6")
                && r.get("Slot/it-slot-5").contains("\"busy\""));

        HttpResponse<String> response = get("/$bulk-publish?_since=" + before.transactionTime());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode delta = json(response.body());
        assertThat(delta.path("request").asText()).isEqualTo(base() + "/$bulk-publish");
        assertThat(delta.path("transactionTime").asText()).isEqualTo(after.transactionTime());
        Map<String, String> changed = new TreeMap<>();
        for (JsonNode output : delta.path("output")) {
            assertThat(output.path("url").asText()).startsWith(base() + "/data/");
            for (String line : lines(get(output.path("url").asText()).body())) {
                JsonNode resource = json(line);
                changed.put(resource.path("resourceType").asText() + "/" + resource.path("id").asText(), line);
            }
        }
        // The answer holds the cut delta (a client that read the previous cut) or the changed group's files (here the
        // RI Slots of week 41), none of the untouched groups; resources sent again are as the client has them.
        assertThat(changed.keySet()).contains("Slot/it-slot-5", "Slot/it-new").doesNotContain("Slot/it-slot-6");
        changed.forEach((key, line) -> {
            if (!key.equals("Slot/it-slot-5") && !key.equals("Slot/it-new")) {
                assertThat(line).as("%s sent again", key).isEqualTo(client.get(key));
            }
        });
        assertThat(delta.path("output")).allSatisfy(o -> assertThat(o.path("url").asText())
                .containsAnyOf("/changes-", "/Slot-RI-2026-W41-"));
        assertThat(changed.get("Slot/it-slot-5")).contains("\"status\":\"busy\"");
        List<String> deleted = deletedReferences(delta);
        assertThat(deleted).containsExactly("Slot/it-slot-6");

        // A client that applies the answer to what it had holds exactly the current full publication.
        client.putAll(changed);
        deleted.forEach(client::remove);
        assertThat(client).isEqualTo(after.resources());

        // _since = S: the cut delta, nothing of the untouched groups.
        JsonNode atS = json(get("/$bulk-publish?_since=" + after.transactionTime()).body());
        assertThat(atS.has("deleted")).isTrue();
        assertThat(atS.path("output")).isNotEmpty().allSatisfy(o -> assertThat(o.path("url").asText()).contains("/changes-"));
        // Before the retained history (the store is younger than 2001): the full publication.
        JsonNode old = json(get("/$bulk-publish?_since=2001-01-01T00:00:00%2B02:00").body());
        assertThat(old.has("deleted")).isFalse();
        assertThat(old.path("output").size()).isEqualTo(after.manifest().path("output").size());
        // An unencoded + (decoded to a space) is still read as the offset.
        assertThat(get("/$bulk-publish?_since=2001-01-01T00:00:00+02:00").statusCode()).isEqualTo(200);
    }

    private List<String> deletedReferences(JsonNode manifest) {
        List<String> references = new java.util.ArrayList<>();
        for (JsonNode file : manifest.path("deleted")) {
            assertThat(file.path("type").asText()).isEqualTo("Bundle");
            for (String line : lines(get(file.path("url").asText()).body())) {
                JsonNode bundle = json(line);
                assertThat(bundle.path("type").asText()).isEqualTo("transaction");
                for (JsonNode entry : bundle.path("entry")) {
                    assertThat(entry.path("request").path("method").asText()).isEqualTo("DELETE");
                    references.add(entry.path("request").path("url").asText());
                }
            }
        }
        return references;
    }

    /** @return the (first) output of the group with that file name base, e.g. {@code Slot-RI-2026-W41} */
    private static JsonNode output(JsonNode manifest, String base) {
        for (JsonNode output : manifest.path("output")) {
            if (output.path("url").asText().matches(".*/" + base + "-[0-9a-f]{16}\\.ndjson")) {
                return output;
            }
        }
        throw new AssertionError("no output " + base + " in " + manifest);
    }

    private HttpResponse<byte[]> sendBytes(String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
