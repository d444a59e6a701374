package io.slotstream.web.status;

import io.slotstream.schemas.topic.Topics;
import io.slotstream.web.WebProperties;
import io.slotstream.web.proxy.ServiceCredentials;
import io.slotstream.web.live.TopicFollower;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/publication-status}: one JSON answer for the health system's status page, from what no single
 * public API answers:
 * <ul>
 *   <li>{@code topics}: per {@code fhir.*.v1} topic its resource type and live resources (keys without a tombstone);
 *       {@code slotsByStatus}: slots of {@code slot.availability.v1} per effective status; {@code caughtUp}: false
 *       while the counts are still being read from the start of the topics;</li>
 *   <li>{@code deadLetters}: {@code total} and the 50 largest groups by source and rule (or reason) with
 *       {@code count} and {@code lastAt};</li>
 *   <li>{@code publication}: publish-service's manifest URL, {@code transactionTime} and output files per type
 *       (from {@code GET /$bulk-publish}), or an {@code error};</li>
 *   <li>{@code feeds}: ingest-service's {@code GET /admin/feeds} as it answered (sources, last poll and success,
 *       {@code transactionTime}, {@code stale}, resources per type), or an {@code error}.</li>
 * </ul>
 * Instants are ISO-8601 UTC.
 */
@RestController
public class PublicationStatusController {

    private static final Map<String, String> RESOURCE_TYPES = new LinkedHashMap<>();

    static {
        RESOURCE_TYPES.put(Topics.LOCATION.name(), "Location");
        RESOURCE_TYPES.put(Topics.SCHEDULE.name(), "Schedule");
        RESOURCE_TYPES.put(Topics.SLOT.name(), "Slot");
        RESOURCE_TYPES.put(Topics.PRACTITIONER_ROLE.name(), "PractitionerRole");
        RESOURCE_TYPES.put(Topics.PRACTITIONER.name(), "Practitioner");
        RESOURCE_TYPES.put(Topics.HEALTHCARE_SERVICE.name(), "HealthcareService");
    }

    private final TopicCounts counts;
    private final TopicFollower follower;
    private final WebProperties properties;
    private final ServiceCredentials credentials;
    private final JsonMapper json;

    public PublicationStatusController(TopicCounts counts, TopicFollower follower, WebProperties properties,
                                       ServiceCredentials credentials, JsonMapper json) {
        this.credentials = credentials;
        this.counts = counts;
        this.follower = follower;
        this.properties = properties;
        this.json = json;
    }

    @GetMapping(path = "/api/publication-status", produces = "application/json")
    public ObjectNode status() {
        ObjectNode answer = json.createObjectNode();
        answer.put("generatedAt", Instant.now().toString());
        answer.put("caughtUp", follower.caughtUp());
        Map<String, Integer> live = counts.liveKeys();
        var topics = answer.putArray("topics");
        RESOURCE_TYPES.forEach((topic, type) -> topics.addObject().put("topic", topic).put("resourceType", type)
                .put("live", live.getOrDefault(topic, 0)));
        var byStatus = answer.putObject("slotsByStatus");
        counts.slotsByStatus().forEach(byStatus::put);
        var dead = answer.putObject("deadLetters");
        dead.put("topic", Topics.DEAD_LETTER.name());
        dead.put("total", counts.deadLetterTotal());
        var groups = dead.putArray("byReason");
        counts.deadLetterGroups(50).forEach(g -> groups.addObject().put("source", g.source()).put("reason", g.reason())
                .put("count", g.count()).put("lastAt", g.lastAt().toString()));
        answer.set("publication", publication());
        JsonNode feeds = fetch("ingest", properties.ingestUrl().resolve("/admin/feeds"));
        answer.set("feeds", feeds.path("error").isString() ? feeds : feeds.path("feeds"));
        return answer;
    }

    private JsonNode publication() {
        URI url = properties.publishUrl().resolve("/$bulk-publish");
        JsonNode manifest = fetch("publish", url);
        if (manifest.path("error").isString()) {  // fetch's failure note; a manifest's own "error" is an array
            return manifest;
        }
        ObjectNode publication = json.createObjectNode();
        publication.put("url", url.toString());
        publication.put("transactionTime", manifest.path("transactionTime").asString(null));
        ObjectNode files = publication.putObject("filesPerType");
        for (JsonNode output : manifest.path("output")) {
            String type = output.path("type").asString("unknown");
            files.put(type, files.path(type).asInt(0) + 1);
        }
        return publication;
    }

    /** @param service {@code ingest} (with web's token) or {@code publish} */
    private JsonNode fetch(String service, URI url) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(java.time.Duration.ofSeconds(5))
                .header("Accept", "application/json");
        try {
            HttpResponse<String> response = credentials.send(service, request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return json.createObjectNode().put("error", url + " answered " + response.statusCode());
            }
            return json.readTree(response.body());
        } catch (java.io.IOException | RuntimeException e) {
            return json.createObjectNode().put("error", url + " is not reachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json.createObjectNode().put("error", "interrupted");
        }
    }
}
