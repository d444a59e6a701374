package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main job on real input, as an aggregator: serves the shipped sample publications from the launcher's
 * {@link SampleFeedServer} (dates rebased into the coming weeks), subscribes ingest-service to them (and to any
 * {@code --subscribe URL=SOURCE} feed) through its {@code /admin/feeds} API, waits until each feed is read and
 * publish-service's {@code $bulk-publish} reflects them, prints each feed's status and the publication, then books one
 * slot at its source (the publisher marks it busy) and shows it arrive as {@code busy} in the next {@code _since} poll.
 */
public final class MainJob {

    /**
     * What the main job saw.
     *
     * @param publication       the full publication once it reflected the feeds
     * @param loadedSlots       Slots the feeds delivered (per their status), over all feeds
     * @param bookedSlotId      published id of the slot booked at its source (null when the feeds have no free slot)
     * @param liveChangeLatency from the source's change to the slot showing {@code busy} in a {@code _since} poll
     * @param feeds             each feed's status as {@code GET /admin/feeds/{source}} answered
     */
    public record Result(PublicationSummary publication, int loadedSlots, String bookedSlotId, Duration liveChangeLatency,
                         Map<String, JsonNode> feeds) {
    }

    /** A sample feed folder under {@code deploy/local/sample-feeds} and the source id it is subscribed as. */
    record Feed(String folder, String sourceId) {
    }

    static final List<Feed> FEEDS = List.of(
            new Feed("ssl-2021-smart-on-fhir", "smart-2021"),
            new Feed("ssl-2026-culby-draft", "culby-2026"));
    /** The identifier system ingest-service keeps a re-identified feed resource's own id under (default base). */
    static final String PUBLISHER_ID_SYSTEM = "urn:slotstream:source:%s/publisher-id";
    private static final Duration FEED_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration LARGE_FEED_TIMEOUT = Duration.ofMinutes(40);
    private static final Duration PUBLICATION_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration LIVE_CHANGE_TIMEOUT = Duration.ofSeconds(120);
    private static final String SAMPLE_INTERVAL = "1m";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String adminBase;
    private final String manifestUrl;
    private final SampleFeedServer feedServer;
    private final PrintStream out;
    /** source -> manifest URL, in subscription order. */
    private final Map<String, String> subscriptions = new LinkedHashMap<>();
    private final List<String> largeFeeds = new ArrayList<>();
    /** Access tokens for the feed admin API (null: the services run without request security). */
    private java.util.function.Supplier<String> adminToken;

    /**
     * Serves the sample feeds in {@code feedsDir} ({@code deploy/local/sample-feeds}) from {@code feedServer}.
     *
     * @param out where progress lines go
     */
    public MainJob(String ingestBaseUrl, String publishBaseUrl, SampleFeedServer feedServer, Path feedsDir, PrintStream out) {
        this(ingestBaseUrl, publishBaseUrl, feedServer, feedsDir, out, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** @param http the client for ingest-service and publish-service (over HTTPS: one that trusts their CA) */
    public MainJob(String ingestBaseUrl, String publishBaseUrl, SampleFeedServer feedServer, Path feedsDir, PrintStream out,
                   HttpClient http) {
        this.http = http;
        this.adminBase = ingestBaseUrl + "/admin/feeds/";
        this.manifestUrl = publishBaseUrl + "/$bulk-publish";
        this.feedServer = feedServer;
        this.out = out;
        for (Feed feed : FEEDS) {
            subscriptions.put(feed.sourceId(), feedServer.serve(feed.sourceId(), feedsDir.resolve(feed.folder()), true));
            out.printf("slotstream: serving %s at %s (dates moved by %d weeks)%n", feed.folder(),
                    feedServer.manifestUrl(feed.sourceId()), feedServer.weeksShifted(feed.sourceId()));
        }
    }

    /**
     * Also serves and subscribes the publication in {@code folder} (for example one written by
     * {@code ./slotstream bench generate}) as source {@code sourceId}.
     */
    public MainJob addFeed(Path folder, String sourceId) {
        subscriptions.put(sourceId, feedServer.serve(sourceId, folder.toAbsolutePath(), true));
        largeFeeds.add(sourceId);
        return this;
    }

    /** Also subscribes to another publisher's {@code $bulk-publish} feed. */
    public MainJob subscribe(String url, String sourceId) {
        subscriptions.put(sourceId, url);
        return this;
    }

    /** @throws StackException when a sample feed is not read or the publication does not reflect it in time */
    public Result run() {
        for (var entry : subscriptions.entrySet()) {
            HttpResponse<String> r = admin("PUT", entry.getKey(), "{\"url\":" + JSON.valueToTree(entry.getValue()) + ",\"interval\":\"" + SAMPLE_INTERVAL + "\"}");
            if (r.statusCode() / 100 != 2) {
                throw new StackException("ingest-service refused the subscription to " + entry.getValue() + ": HTTP " + r.statusCode() + " " + r.body());
            }
            out.printf("slotstream: subscribed ingest-service to %s as source '%s' (every %s)%n", entry.getValue(), entry.getKey(), SAMPLE_INTERVAL);
        }
        Map<String, JsonNode> statuses = new LinkedHashMap<>();
        int expectedSlots = 0;
        for (String source : subscriptions.keySet()) {
            boolean sample = FEEDS.stream().anyMatch(f -> f.sourceId().equals(source));
            JsonNode status = awaitFirstPoll(source, largeFeeds.contains(source) ? LARGE_FEED_TIMEOUT : FEED_TIMEOUT, sample);
            statuses.put(source, status);
            expectedSlots += status.path("resources").path("Slot").asInt();
            printStatus(status);
        }

        PublicationSummary full = awaitPublication(expectedSlots);
        out.printf("slotstream: publication at %s (transactionTime %s, %d files)%n", full.manifestUrl(), full.transactionTime(), full.files());
        out.printf("slotstream:   resources per type %s; slots per status %s%n", full.resourcesByType(), full.slotsByStatus());
        if (full.count("Slot") < expectedSlots) {
            out.printf("slotstream:   note: %d of %d slots are published (slots whose schedule cannot be published, or already over, are held back)%n",
                    full.count("Slot"), expectedSlots);
        }
        String bookSource = FEEDS.get(0).sourceId();
        JsonNode slotToBook = feedServer.firstFreeSlot(bookSource).orElse(null);
        if (slotToBook == null) {
            return new Result(full, expectedSlots, null, null, statuses);
        }
        String publisherId = slotToBook.path("id").asText();
        String publishedId = publishedSlotId(http, manifestUrl, bookSource, publisherId);
        if (publishedId == null) {
            throw new StackException("slot " + publisherId + " of '" + bookSource + "' is not in the publication at " + manifestUrl);
        }
        Duration latency = showLiveChange(bookSource, publisherId, publishedId, full.transactionTime());
        statuses.put(bookSource, status(bookSource));
        return new Result(full, expectedSlots, publishedId, latency, statuses);
    }

    /**
     * @return the published id of the Slot that feed {@code source} listed as {@code publisherId} (ingest-service keeps
     * it as an identifier), or null when the publication has none
     */
    public static String publishedSlotId(String manifestUrl, String source, String publisherId) {
        return publishedSlotId(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), manifestUrl, source, publisherId);
    }

    /** Like {@link #publishedSlotId(String, String, String)} with the given client (over HTTPS: one that trusts the CA). */
    public static String publishedSlotId(HttpClient http, String manifestUrl, String source, String publisherId) {
        String system = PUBLISHER_ID_SYSTEM.formatted(source);
        AtomicReference<String> found = new AtomicReference<>();
        PublicationSummary.read(http, manifestUrl, line -> {
            if (found.get() == null && "Slot".equals(line.path("resourceType").asText())) {
                for (JsonNode identifier : line.path("identifier")) {
                    if (system.equals(identifier.path("system").asText()) && publisherId.equals(identifier.path("value").asText())) {
                        found.set(line.path("id").asText());
                    }
                }
            }
            return true;
        });
        return found.get();
    }

    /**
     * Asks ingest-service to poll {@code source} now, waiting for the minimum interval between polls when it says so
     * (429 with {@code Retry-After}).
     */
    public void pollNow(String source, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            HttpResponse<String> r = admin("POST", source + "/poll", null);
            if (r.statusCode() == 202) {
                return;
            }
            if (r.statusCode() != 429 || System.nanoTime() > deadline) {
                throw new StackException("ingest-service did not schedule a poll of '" + source + "': HTTP " + r.statusCode() + " " + r.body());
            }
            sleep(Duration.ofSeconds(Long.parseLong(r.headers().firstValue("Retry-After").orElse("1"))));
        }
    }

    /** @return {@code GET /admin/feeds/{source}} */
    public JsonNode status(String source) {
        HttpResponse<String> r = admin("GET", source, null);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new StackException("ingest-service answered the feed status of '" + source + "' with " + r.body(), e);
        }
    }

    private JsonNode awaitFirstPoll(String source, Duration timeout, boolean mustSucceed) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = status(source);
            if (!status.path("lastSuccess").isNull() && !status.path("lastSuccess").isMissingNode()) {
                return status;
            }
            if (!mustSucceed && !status.path("lastError").isNull() && !status.path("lastError").isMissingNode()) {
                return status; // someone else's feed: report its failure, the rest goes on
            }
            sleep(Duration.ofSeconds(1));
        }
        throw new StackException("feed '" + source + "' was not read within " + timeout.toSeconds() + " s"
                + (status == null ? "" : "; last status: " + status.path("lastError").asText(status.toString())));
    }

    private void printStatus(JsonNode s) {
        out.printf("slotstream: feed %-12s %s%n", s.path("source").asText(), s.path("url").asText());
        out.printf("slotstream:   last poll %s, last success %s, transactionTime %s, %s%s%n",
                s.path("lastPoll").asText(), s.path("lastSuccess").asText(), s.path("transactionTime").asText(),
                s.path("stale").asBoolean() ? "STALE" : "fresh", s.path("withdrawn").asBoolean() ? ", slots WITHDRAWN" : "");
        out.printf("slotstream:   resources %s; rejects %d (dead-letter topic); warnings %s%s%n", s.path("resources"),
                s.path("rejects").path("lastPoll").asLong(), s.path("warnings"),
                s.path("lastError").isNull() || s.path("lastError").isMissingNode() ? "" : "; last error: " + s.path("lastError").asText());
    }

    private PublicationSummary awaitPublication(int expectedSlots) {
        long deadline = System.nanoTime() + PUBLICATION_TIMEOUT.toNanos();
        PublicationSummary last = null;
        int stableRounds = 0;
        while (System.nanoTime() < deadline) {
            try {
                PublicationSummary now = PublicationSummary.read(http, manifestUrl, line -> true);
                if (now.count("Slot") >= expectedSlots) {
                    return now;
                }
                stableRounds = last != null && last.count("Slot") == now.count("Slot") && now.count("Slot") > 0 ? stableRounds + 1 : 0;
                last = now;
                if (stableRounds >= 15) {
                    return now; // nothing more is coming: report what is published
                }
            } catch (StackException notYet) {
                // no snapshot yet
            }
            sleep(Duration.ofSeconds(2));
        }
        throw new StackException("the publication at " + manifestUrl + " did not reflect the feeds within "
                + PUBLICATION_TIMEOUT.toSeconds() + " s" + (last == null ? " (no manifest)" : " (slots published: " + last.count("Slot") + " of " + expectedSlots + ")"));
    }

    private Duration showLiveChange(String source, String publisherId, String publishedId, String since) {
        long started = System.nanoTime();
        feedServer.book(source, publisherId);
        pollNow(source, LIVE_CHANGE_TIMEOUT);
        out.printf("slotstream: live change: slot %s booked at its source '%s' (the publisher now lists it busy); polling %s?_since=%s%n",
                publisherId, source, manifestUrl, since);
        String sinceUrl = manifestUrl + "?_since=" + URLEncoder.encode(since, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + LIVE_CHANGE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            AtomicBoolean seen = new AtomicBoolean();
            PublicationSummary delta = PublicationSummary.read(http, sinceUrl, line -> {
                if (publishedId.equals(line.path("id").asText()) && "busy".equals(line.path("status").asText())) {
                    seen.set(true);
                }
                return true;
            });
            if (seen.get()) {
                out.printf("slotstream: live change: Slot/%s is busy in the _since poll after %.1f s (%s changed resources: %s)%n",
                        publishedId, (System.nanoTime() - started) / 1e9, delta.resourcesByType().values().stream().mapToInt(Integer::intValue).sum(),
                        delta.resourcesByType());
                return Duration.ofNanos(System.nanoTime() - started);
            }
            sleep(Duration.ofSeconds(1));
        }
        throw new StackException("the booked slot " + publishedId + " did not appear as busy in a _since poll within " + LIVE_CHANGE_TIMEOUT.toSeconds() + " s");
    }

    /** Sends {@code Authorization: Bearer} tokens from {@code tokens} (a client with system/Feed.* scopes) to the feed admin API. */
    public MainJob withAdminToken(java.util.function.Supplier<String> tokens) {
        this.adminToken = tokens;
        return this;
    }

    private HttpResponse<String> admin(String method, String source, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminBase + source))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (adminToken != null) {
            request.header("Authorization", "Bearer " + adminToken.get());
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StackException("ingest-service unreachable at " + adminBase + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }
}
