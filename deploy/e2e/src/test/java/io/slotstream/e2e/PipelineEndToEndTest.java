package io.slotstream.e2e;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.MainJob;
import io.slotstream.deploy.local.SampleFeedServer;
import io.slotstream.deploy.local.SampleFeedLoader;
import io.slotstream.deploy.local.ServiceSet;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.publish.conformance.ConformanceReport;
import io.slotstream.publish.conformance.PublicationConformance;
import io.slotstream.schemas.identity.CanonicalId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline as {@code ./slotstream run} starts it: the real broker and registry, the four services as
 * processes from their exec jars, and the main job over the shipped sample feeds (issue 6 item 6), then checks on
 * what a Slot Discovery Client and an aggregator see.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {

    private static final DateTimeFormatter FHIR_INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private static final Path PROJECT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServiceSet services;
    private static SampleFeedServer feedServer;
    private static MainJob mainJob;
    private static MainJob.Result job;

    @BeforeAll
    static void startPipelineAndRunTheMainJob() {
        LocalStack stack = SharedStack.get();
        Path logDir = Path.of(System.getProperty("java.io.tmpdir"), "e2e-services-" + System.nanoTime());
        services = ServiceSet.launch(PROJECT, stack, logDir, ServiceSet.freePorts());
        services.awaitReady(System.out::println);
        feedServer = SampleFeedServer.start("127.0.0.1", 0);
        mainJob = new MainJob(services.url("ingest-service"), services.url("publish-service"), feedServer,
                PROJECT.resolve("deploy/local/sample-feeds"), new PrintStream(System.out));
        job = mainJob.run();
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
        if (feedServer != null) {
            feedServer.close();
        }
    }

    // Read-only checks of the main job's publication first; the tests that write come after.
    @Test
    @Order(1)
    void theMainJobPublishesEveryLoadedResourceOfTheSampleFeeds() {
        assertThat(job.loadedSlots()).isEqualTo(300 + 11_563);
        assertThat(job.publication().count("Slot")).isEqualTo(job.loadedSlots());
        assertThat(job.publication().count("Location")).isEqualTo(10 + 20);
        assertThat(job.publication().count("Schedule")).isEqualTo(10 + 25);
        assertThat(job.publication().count("PractitionerRole")).isEqualTo(10);
        assertThat(job.publication().slotsByStatus()).containsKey("free");
    }

    @Test
    @Order(1)
    void bothSampleFeedsAreReadThroughSubscriptionsAndReportTheirStatus() {
        assertThat(job.feeds()).containsOnlyKeys("smart-2021", "culby-2026");
        assertThat(job.feeds().get("smart-2021").path("resources").path("Slot").asInt()).isEqualTo(300);
        assertThat(job.feeds().get("culby-2026").path("resources").path("Slot").asInt()).isEqualTo(11_563);
        assertThat(job.feeds().values()).allSatisfy(status -> {
            assertThat(status.path("lastSuccess").isTextual()).as(status.toString()).isTrue();
            assertThat(status.path("stale").asBoolean()).isFalse();
            assertThat(status.path("rejects").path("lastPoll").asInt()).isZero();
        });
    }

    @Test
    @Order(2)
    void thePublicationOfTheSampleFeedsIsConformantOnEveryLine() {
        ConformanceReport report = new PublicationConformance(FhirContext.forR4Cached())
                .check(services.url("publish-service") + "/$bulk-publish", PublicationConformance.overHttp());
        assertThat(report.violations()).isEmpty();
        assertThat(report.resourcesByType().get("Slot")).isEqualTo(job.loadedSlots());
    }

    @Test
    @Order(3)
    void aSlotBookedAtItsSourceArrivesBusyInTheNextSincePoll() {
        assertThat(job.bookedSlotId()).startsWith("smart-2021.20-");
        assertThat(MainJob.publishedSlotId(services.url("publish-service") + "/$bulk-publish", "smart-2021", "20"))
                .isEqualTo(job.bookedSlotId());
        assertThat(job.liveChangeLatency()).isNotNull();
    }

    /** Issue 5: a slot written through ingest-service is searchable in the availability view within 2 s (median of 3). */
    @Test
    @Order(5)
    void aSlotWrittenThroughIngestIsSearchableWithinTwoSeconds() throws Exception {
        SampleFeedLoader ingest = new SampleFeedLoader(services.url("ingest-service"));
        String source = "e2e";
        ingest.put(JSON.readTree("""
                {"resourceType":"Location","id":"loc","name":"E2E Clinic","telecom":[{"system":"phone","value":"555-0100"}],
                 "address":{"state":"MA"}}"""), source);
        ingest.put(JSON.readTree("""
                {"resourceType":"Schedule","id":"sch","actor":[{"reference":"Location/loc"}],
                 "serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"124"}]}]}"""), source);
        // a week ahead, whole minutes, New York offset: the view retires slots that have ended
        OffsetDateTime slotStart = OffsetDateTime.now(ZoneOffset.ofHours(-5)).plusDays(7).truncatedTo(ChronoUnit.HOURS);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "slot-" + i;
            long started = System.nanoTime();
            ingest.put(JSON.readTree("""
                    {"resourceType":"Slot","id":"%s","schedule":{"reference":"Schedule/sch"},"status":"free",
                     "start":"%s","end":"%s"}""".formatted(id, FHIR_INSTANT.format(slotStart), FHIR_INSTANT.format(slotStart.plusMinutes(15)))), source);
            awaitSlot(CanonicalId.of(source, id));
            millis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        System.out.println("ingest -> availability search, ms: " + millis);
        assertThat(millis.stream().sorted().toList().get(1)).as("median of " + millis).isLessThanOrEqualTo(2_000);
    }

    /** sched-2/3/5/7/9 and gzip on the live publication, then a source delete arriving as a Bulk Data deletion. */
    @Test
    @Order(4)
    void thePublicationServesTheHttpRulesAndDeletionsSince() throws Exception {
        String manifestUrl = services.url("publish-service") + "/$bulk-publish";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(manifestUrl)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(plain.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(plain.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
            String etag = plain.headers().firstValue("ETag").orElseThrow();
            assertThat(plain.headers().firstValue("Last-Modified")).isPresent();
            HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(manifestUrl)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.body()).isEqualTo(plain.body());
            HttpResponse<String> notModified = http.send(HttpRequest.newBuilder(URI.create(manifestUrl)).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(notModified.statusCode()).isEqualTo(304);

            JsonNode manifest = JSON.readTree(plain.body());
            String fileUrl = manifest.path("output").path(0).path("url").asText();
            HttpResponse<String> file = http.send(HttpRequest.newBuilder(URI.create(fileUrl)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> ndjson = http.send(HttpRequest.newBuilder(URI.create(fileUrl)).header("Accept", "application/fhir+ndjson").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ndjson.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/fhir+ndjson"));
            assertThat(ndjson.body()).isEqualTo(file.body()).isNotEmpty();
            HttpResponse<byte[]> gzip = http.send(HttpRequest.newBuilder(URI.create(fileUrl)).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body())).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(file.body());

            String since = manifest.path("transactionTime").asText();
            // The publisher stops listing slot 21: the next full snapshot of its feed removes it (a tombstone).
            String deleted = MainJob.publishedSlotId(manifestUrl, "smart-2021", "21");
            assertThat(deleted).isNotNull();
            feedServer.remove("smart-2021", "21");
            mainJob.pollNow("smart-2021", Duration.ofSeconds(60));
            String sinceUrl = manifestUrl + "?_since=" + java.net.URLEncoder.encode(since, java.nio.charset.StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode delta = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(sinceUrl)).build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode output : delta.path("deleted")) {
                    String bundles = http.send(HttpRequest.newBuilder(URI.create(output.path("url").asText())).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    if (bundles.contains("\"url\":\"Slot/" + deleted + "\"")) {
                        assertThat(bundles).contains("\"method\":\"DELETE\"");
                        return;
                    }
                }
                Thread.sleep(500);
            }
            throw new AssertionError("Slot/" + deleted + " deleted at its source never appeared as a deletion in " + sinceUrl);
        }
    }

    /**
     * Issue 12 item 2: the publication renders the reference resources the view emits (reference.availability.v1): a
     * Location changed again and again is listed once in every manifest, and HealthcareService is published in the
     * group of its Location's state.
     */
    @Test
    @Order(6)
    void referenceResourcesArePublishedAsTheViewEmitsThemOneVersionPerManifest() throws Exception {
        SampleFeedLoader ingest = new SampleFeedLoader(services.url("ingest-service"));
        String source = "e2e-ref";
        String location = """
                {"resourceType":"Location","id":"loc","name":"Ref Clinic %d","telecom":[{"system":"phone","value":"555-0101"}],
                 "address":{"state":"VT"}}""";
        ingest.put(JSON.readTree(location.formatted(0)), source);
        ingest.put(JSON.readTree("""
                {"resourceType":"HealthcareService","id":"svc","active":true,"name":"Ref Vaccinations",
                 "type":[{"coding":[{"system":"http://snomed.info/sct","code":"308335008"}]}],
                 "location":[{"reference":"Location/loc"}]}"""), source);
        ingest.put(JSON.readTree("""
                {"resourceType":"Schedule","id":"sch","actor":[{"reference":"HealthcareService/svc"}],
                 "serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"57"}]}]}"""), source);
        String locationId = CanonicalId.of(source, "loc");
        String serviceId = CanonicalId.of(source, "svc");
        String manifestUrl = services.url("publish-service") + "/$bulk-publish";
        int manifests = 0;
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int version = 1; version <= 4; version++) {
                ingest.put(JSON.readTree(location.formatted(version)), source);
                manifests += checkOneVersionPerLocation(http, manifestUrl);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                JsonNode manifest = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(manifestUrl)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                manifests += checkOneVersionPerLocation(http, manifestUrl);
                String locationLine = null;
                JsonNode serviceOutput = null;
                for (JsonNode output : manifest.path("output")) {
                    String body = http.send(HttpRequest.newBuilder(URI.create(output.path("url").asText())).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    for (String line : body.split("\n")) {
                        if (line.contains("\"id\":\"" + locationId + "\"") && output.path("type").asText().equals("Location")) {
                            locationLine = line;
                        }
                        if (line.contains("\"id\":\"" + serviceId + "\"") && output.path("type").asText().equals("HealthcareService")) {
                            serviceOutput = output;
                        }
                    }
                }
                if (locationLine != null && locationLine.contains("Ref Clinic 4") && serviceOutput != null) {
                    assertThat(serviceOutput.path("url").asText()).contains("/HealthcareService-VT-");
                    assertThat(serviceOutput.path("extension").path("state").toString()).isEqualTo("[\"VT\"]");
                    break;
                }
                assertThat(System.nanoTime()).as("the last Location version and the HealthcareService published within 60 s")
                        .isLessThan(deadline);
                Thread.sleep(300);
            }
        }
        assertThat(manifests).isGreaterThan(4);
    }

    /** Reads the manifest and every Location line in it; fails when one Location id is listed twice. */
    private static int checkOneVersionPerLocation(HttpClient http, String manifestUrl) throws Exception {
        JsonNode manifest = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(manifestUrl)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode output : manifest.path("output")) {
            if (!output.path("type").asText().equals("Location")) {
                continue;
            }
            String body = http.send(HttpRequest.newBuilder(URI.create(output.path("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (!line.isEmpty()) {
                    String id = JSON.readTree(line).path("id").asText();
                    assertThat(ids.add(id)).as("Location/" + id + " listed twice in " + manifest.path("transactionTime")).isTrue();
                }
            }
        }
        return 1;
    }

    private static void awaitSlot(String slotId) throws Exception {
        URI read = URI.create(services.url("availability-service") + "/fhir/Slot/" + slotId);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(read).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode slot = JSON.readTree(response.body());
                    assertThat(slot.path("id").asText()).isEqualTo(slotId);
                    assertThat(slot.path("status").asText()).isEqualTo("free");
                    return;
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("Slot " + slotId + " not readable at " + read + " within 30 s");
    }
}
