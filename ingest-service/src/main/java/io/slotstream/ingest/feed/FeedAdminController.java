package io.slotstream.ingest.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.avro.FeedSubscription;
import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.ingest.http.FhirResponses;
import io.slotstream.ingest.kafka.WriteFailedException;
import io.slotstream.ingest.validation.Issue;
import io.slotstream.schemas.identity.CanonicalId;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API of aggregator mode (issue 13), JSON in and out, errors as FHIR {@code OperationOutcome}s:
 * <ul>
 *   <li>{@code GET /admin/feeds}: every subscription with its status;</li>
 *   <li>{@code GET /admin/feeds/{source}}: one (404 when unknown);</li>
 *   <li>{@code PUT /admin/feeds/{source}} {@code {"url": ..., "headers": {...}, "interval": "5m"}} (optional
 *       {@code "staleAfter"}, {@code "withdrawAfter"}: this feed's thresholds): subscribe or
 *       replace (201/200), persisted on {@code ingest.feeds.v1};</li>
 *   <li>{@code DELETE /admin/feeds/{source}}: unsubscribe (what the feed delivered stays);</li>
 *   <li>{@code POST /admin/feeds/{source}/poll}: poll as soon as the minimum interval allows (202; 429 with
 *       {@code Retry-After} when the last poll is too recent; 409 when another replica polls it).</li>
 * </ul>
 * Header values are never shown (names only). With {@code feed-polling.admin-token} set, every request needs
 * {@code Authorization: Bearer <token>} (401 otherwise).
 */
@RestController
@RequestMapping("/admin/feeds")
class FeedAdminController {

    private static final MediaType JSON = MediaType.APPLICATION_JSON;
    private static final String SUBSCRIPTION_RULE = "Slotstream aggregator mode: feed subscription";

    private final FeedSubscriptions subscriptions;
    private final FeedScheduler scheduler;
    private final FeedProperties.Polling settings;
    private final FhirResponses responses;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    FeedAdminController(FeedSubscriptions subscriptions, FeedScheduler scheduler, FeedProperties properties,
                        FhirResponses responses) {
        this.subscriptions = subscriptions;
        this.scheduler = scheduler;
        this.settings = properties.feedPolling();
        this.responses = responses;
        this.clock = Clock.systemUTC();
    }

    @GetMapping
    ResponseEntity<String> list(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        return authorised(auth).orElseGet(() -> {
            ObjectNode body = json.createObjectNode();
            ArrayNode feeds = body.putArray("feeds");
            subscriptions.all().stream().sorted(Comparator.comparing(FeedSubscription::getSource))
                    .forEach(sub -> feeds.add(status(sub)));
            return ok(200, body);
        });
    }

    @GetMapping("/{source}")
    ResponseEntity<String> get(@PathVariable String source,
                               @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        return authorised(auth).orElseGet(() -> subscriptions.get(source).map(sub -> ok(200, status(sub)))
                .orElseGet(() -> notFound(source)));
    }

    @PutMapping("/{source}")
    ResponseEntity<String> put(@PathVariable String source, @RequestBody(required = false) String body,
                               @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        Optional<ResponseEntity<String>> denied = authorised(auth);
        if (denied.isPresent()) {
            return denied.get();
        }
        if (!CanonicalId.SOURCE_ID.matcher(source).matches()) {
            return error(400, "value", "source", "source id: [A-Za-z0-9-]{1,32}", "Invalid source id '" + source + "'");
        }
        JsonNode request;
        try {
            request = json.readTree(body == null ? "" : body);
        } catch (Exception e) {
            return error(400, "structure", null, "JSON body", "The body is not JSON: " + e.getMessage());
        }
        if (request == null || !request.isObject()) {
            return error(400, "structure", null, "JSON body", "Expected a JSON object {\"url\": ..., \"headers\": {...}, \"interval\": \"5m\"}");
        }
        String url = request.path("url").asText("");
        try {
            URI uri = URI.create(url);
            if (!uri.isAbsolute() || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an absolute http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            return error(400, "value", "url", "SMART Scheduling Links §3: the $bulk-publish manifest URL (absolute http(s))",
                    "Invalid url '" + url + "': " + e.getMessage());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = request.path("headers");
        if (!h.isMissingNode() && !h.isNull() && !h.isObject()) {
            return error(400, "value", "headers", SUBSCRIPTION_RULE, "headers must be an object of header name to value");
        }
        for (var it = h.fields(); it.hasNext(); ) {
            var field = it.next();
            if (!field.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || !field.getValue().isTextual()) {
                return error(400, "value", "headers." + field.getKey(), SUBSCRIPTION_RULE, "A header needs a token name and a string value");
            }
            headers.put(field.getKey(), field.getValue().asText());
        }
        Duration interval = settings.defaultInterval();
        JsonNode i = request.path("interval");
        if (!i.isMissingNode() && !i.isNull()) {
            try {
                interval = i.isNumber() ? Duration.ofSeconds(i.asLong()) : DurationStyle.detectAndParse(i.asText());
            } catch (RuntimeException e) {
                return error(400, "value", "interval", SUBSCRIPTION_RULE, "Invalid interval '" + i.asText() + "' (e.g. 5m, PT5M, 300)");
            }
        }
        if (interval.compareTo(settings.minimumInterval()) < 0) {
            return error(422, "business-rule", "interval", "sched-6: clients SHOULD NOT poll more than once per minute",
                    "interval " + interval + " is below the minimum " + settings.minimumInterval());
        }
        Duration staleAfter = null;
        Duration withdrawAfter = null;
        try {
            staleAfter = optionalDuration(request.path("staleAfter"));
            withdrawAfter = optionalDuration(request.path("withdrawAfter"));
        } catch (RuntimeException e) {
            return error(400, "value", "staleAfter", SUBSCRIPTION_RULE, "Invalid staleAfter/withdrawAfter (e.g. 6h, PT24H, 0 = never withdraw)");
        }
        boolean existed = subscriptions.get(source).isPresent();
        FeedSubscription sub = FeedSubscription.newBuilder().setSource(source).setUrl(url).setHeaders(Map.copyOf(headers))
                .setIntervalMillis(interval.toMillis())
                .setStaleAfterMillis(staleAfter == null ? null : staleAfter.toMillis())
                .setWithdrawAfterMillis(withdrawAfter == null ? null : withdrawAfter.toMillis())
                .setUpdatedAt(clock.instant()).build();
        try {
            subscriptions.put(sub);
        } catch (WriteFailedException | IllegalStateException e) {
            return error(503, "transient", null, SUBSCRIPTION_RULE, "The subscription could not be stored: " + e.getMessage());
        }
        return ok(existed ? 200 : 201, status(sub));
    }

    @DeleteMapping("/{source}")
    ResponseEntity<String> delete(@PathVariable String source,
                                  @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        Optional<ResponseEntity<String>> denied = authorised(auth);
        if (denied.isPresent()) {
            return denied.get();
        }
        if (subscriptions.get(source).isEmpty()) {
            return notFound(source);
        }
        try {
            subscriptions.delete(source);
        } catch (WriteFailedException | IllegalStateException e) {
            return error(503, "transient", null, SUBSCRIPTION_RULE, "The subscription could not be removed: " + e.getMessage());
        }
        return responses.of(200, OperationOutcomes.information("Feed '" + source
                + "' unsubscribed; the resources it delivered stay until deleted at ingest"));
    }

    @PostMapping("/{source}/poll")
    ResponseEntity<String> poll(@PathVariable String source,
                                @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        Optional<ResponseEntity<String>> denied = authorised(auth);
        if (denied.isPresent()) {
            return denied.get();
        }
        if (subscriptions.get(source).isEmpty()) {
            return notFound(source);
        }
        Optional<Duration> wait;
        try {
            wait = scheduler.pollNow(source);
        } catch (IllegalStateException e) {
            return error(409, "conflict", null, "each feed is polled by exactly one replica", e.getMessage());
        }
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            return responses.of(429, Issue.outcome(List.of(Issue.profile("throttled", null,
                    "sched-6: clients SHOULD NOT poll more than once per minute",
                    "The last poll of '" + source + "' was too recent; retry in " + seconds + " s"))), headers);
        }
        return responses.of(202, OperationOutcomes.information("A poll of '" + source + "' is scheduled"));
    }

    private ObjectNode status(FeedSubscription sub) {
        ObjectNode node = json.createObjectNode();
        node.put("source", sub.getSource());
        node.put("url", sub.getUrl());
        ArrayNode names = node.putArray("headers");
        sub.getHeaders().keySet().stream().sorted().forEach(names::add);
        node.put("interval", Duration.ofMillis(sub.getIntervalMillis()).toString());
        if (sub.getStaleAfterMillis() != null) {
            node.put("staleAfter", Duration.ofMillis(sub.getStaleAfterMillis()).toString());
        }
        if (sub.getWithdrawAfterMillis() != null) {
            node.put("withdrawAfter", Duration.ofMillis(sub.getWithdrawAfterMillis()).toString());
        }
        Optional<FeedState> polled = scheduler.state(sub.getSource());
        node.put("polledByThisReplica", polled.isPresent());
        polled.ifPresent(s -> {
            put(node, "lastPoll", s.lastPollAt);
            put(node, "lastSuccess", s.lastSuccessAt);
            put(node, "lastChange", s.lastChangeAt);
            put(node, "nextPoll", s.nextPollAt);
            put(node, "transactionTime", s.lastTransactionTime);
            node.put("mode", s.lastMode);
            node.put("stale", s.stale);
            node.put("withdrawn", s.withdrawn);
            node.put("lastError", s.lastError);
            node.set("resources", json.valueToTree(s.resourcesByType));
            node.set("lastPollWrites", json.valueToTree(s.lastWrites));
            node.putObject("rejects").put("lastPoll", s.lastRejects).put("total", s.totalRejects);
            node.set("warnings", json.valueToTree(s.lastWarnings));
            node.set("files", json.valueToTree(s.lastFiles));
        });
        return node;
    }

    private static Duration optionalDuration(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        Duration d = value.isNumber() ? Duration.ofSeconds(value.asLong()) : DurationStyle.detectAndParse(value.asText());
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative");
        }
        return d;
    }

    private static void put(ObjectNode node, String field, Instant value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toString());
        }
    }

    private Optional<ResponseEntity<String>> authorised(String authorization) {
        String token = settings.adminToken();
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String expected = "Bearer " + token;
        if (authorization != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return Optional.of(responses.of(401, Issue.outcome(List.of(Issue.structure("login", null,
                "slotstream.ingest.feed-polling.admin-token", "Authorization: Bearer <admin token> required"))), headers));
    }

    private ResponseEntity<String> ok(int status, JsonNode body) {
        return ResponseEntity.status(status).contentType(JSON).body(body.toString());
    }

    private ResponseEntity<String> notFound(String source) {
        return error(404, "not-found", "source", SUBSCRIPTION_RULE, "No feed subscription '" + source + "'");
    }

    private ResponseEntity<String> error(int status, String code, String expression, String rule, String message) {
        return responses.of(status, Issue.outcome(List.of(Issue.structure(code, expression, rule, message))));
    }
}
