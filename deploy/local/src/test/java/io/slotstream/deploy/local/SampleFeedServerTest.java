package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's loopback publisher: rebased sample feeds, publisher HTTP rules, source-side changes. */
class SampleFeedServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FEEDS = Path.of("sample-feeds");

    @Test
    void rebaseMovesOnlyTheDatePartByWholeWeeks() {
        String line = "{\"start\":\"2021-03-01T14:00:00.000Z\",\"end\":\"2026-09-30T09:00:00-04:00\",\"period\":{\"start\":\"2020-01-01\"},\"id\":\"2021\"}";
        assertThat(SampleFeedServer.rebase(line, 2)).isEqualTo(
                "{\"start\":\"2021-03-15T14:00:00.000Z\",\"end\":\"2026-10-14T09:00:00-04:00\",\"period\":{\"start\":\"2020-01-15\"},\"id\":\"2021\"}");
    }

    @Test
    void servesTheSampleFeedsRebasedIntoTheFutureWithPublisherHttpRulesAndSourceChanges() throws Exception {
        Instant before = Instant.now();
        try (SampleFeedServer server = SampleFeedServer.start("127.0.0.1", 0); HttpClient http = HttpClient.newHttpClient()) {
            String manifestUrl = server.serve("culby-2026", FEEDS.resolve("ssl-2026-culby-draft"), true);
            assertThat(server.weeksShifted("culby-2026")).isPositive();
            HttpResponse<String> manifest = http.send(HttpRequest.newBuilder(URI.create(manifestUrl + "?_since=2026-01-01T00:00:00Z")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(manifest.statusCode()).isEqualTo(200);
            JsonNode m = JSON.readTree(manifest.body());
            assertThat(m.path("output")).hasSize(9);
            assertThat(m.path("output").findValuesAsText("url")).allMatch(u -> u.startsWith(manifestUrl.replace("$bulk-publish", "")));
            String etag = manifest.headers().firstValue("ETag").orElseThrow();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(manifestUrl)).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(304);

            String slotsUrl = m.path("output").path(4).path("url").asText();
            HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(URI.create(slotsUrl)).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
            String body = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
            List<String> original = java.nio.file.Files.readAllLines(FEEDS.resolve("ssl-2026-culby-draft/slots-2026-W40.ndjson"));
            List<String> served = body.lines().toList();
            assertThat(served).hasSize(original.size());
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < served.size(); i++) {
                OffsetDateTime was = OffsetDateTime.parse(JSON.readTree(original.get(i)).path("start").asText());
                OffsetDateTime now = OffsetDateTime.parse(JSON.readTree(served.get(i)).path("start").asText());
                DayOfWeek day = was.getDayOfWeek();
                if (!now.toInstant().isAfter(before) || now.getDayOfWeek() != day || !now.getOffset().equals(was.getOffset())
                        || now.toLocalTime().compareTo(was.toLocalTime()) != 0) {
                    problems.add(served.get(i));
                }
            }
            assertThat(problems).as("every slot in the future, same weekday, time and offset").isEmpty();

            JsonNode free = server.firstFreeSlot("culby-2026").orElseThrow();
            server.book("culby-2026", free.path("id").asText());
            HttpResponse<String> changed = http.send(HttpRequest.newBuilder(URI.create(manifestUrl)).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(changed.statusCode()).as("a source-side change changes the ETag").isEqualTo(200);
            String after = http.send(HttpRequest.newBuilder(URI.create(slotsUrl)).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(after.lines().filter(l -> l.contains("\"id\":\"" + free.path("id").asText() + "\"")).findFirst().orElseThrow())
                    .contains("\"status\":\"busy\"");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(manifestUrl.replace("culby-2026", "nope"))).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        }
    }
}
