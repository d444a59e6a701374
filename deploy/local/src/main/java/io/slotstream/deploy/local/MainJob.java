package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.schemas.identity.CanonicalId;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main job on real input: loads the shipped sample publications through ingest-service, waits until
 * publish-service's {@code $bulk-publish} reflects them, prints a summary, then books one slot at its source and
 * shows it arrive as {@code busy} in the next {@code _since} poll.
 */
public final class MainJob {

    /**
     * What the main job saw.
     *
     * @param publication       the full publication once it reflected the loaded feeds
     * @param loadedSlots       Slots accepted by ingest-service over all feeds
     * @param bookedSlotId      published id of the slot booked at its source (null when the feeds have no free slot)
     * @param liveChangeLatency from the source's PUT to the slot showing {@code busy} in a {@code _since} poll
     */
    public record Result(PublicationSummary publication, int loadedSlots, String bookedSlotId, Duration liveChangeLatency) {
    }

    /** A sample feed folder under {@code deploy/local/sample-feeds} and the source id it is loaded as. */
    record Feed(String folder, String sourceId) {
    }

    static final List<Feed> FEEDS = List.of(
            new Feed("ssl-2021-smart-on-fhir", "smart-2021"),
            new Feed("ssl-2026-culby-draft", "culby-2026"));
    private static final Duration PUBLICATION_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration LIVE_CHANGE_TIMEOUT = Duration.ofSeconds(90);

    private final List<Feed> feeds = new java.util.ArrayList<>(FEEDS);
    private final SampleFeedLoader loader;
    private final String manifestUrl;
    private final Path feedsDir;
    private final PrintStream out;

    /**
     * @param feedsDir the folder holding the sample feed folders ({@code deploy/local/sample-feeds})
     * @param out      where progress lines go
     */
    public MainJob(String ingestBaseUrl, String publishBaseUrl, Path feedsDir, PrintStream out) {
        this.loader = new SampleFeedLoader(ingestBaseUrl);
        this.manifestUrl = publishBaseUrl + "/$bulk-publish";
        this.feedsDir = feedsDir;
        this.out = out;
    }

    /**
     * Also loads the publication in {@code folder} (for example one written by {@code ./slotstream bench generate}),
     * after the sample feeds, as source {@code sourceId}.
     */
    public MainJob addFeed(Path folder, String sourceId) {
        feeds.add(new Feed(folder.toAbsolutePath().toString(), sourceId));
        return this;
    }

    /** @throws StackException when loading fails or the publication does not reflect the input in time */
    public Result run() {
        int expectedSlots = 0;
        JsonNode slotToBook = null;
        for (Feed feed : feeds) {
            long started = System.nanoTime();
            SampleFeedLoader.Result result = loader.load(feedsDir.resolve(feed.folder()), feed.sourceId());
            expectedSlots += result.loaded("Slot");
            out.printf("slotstream: loaded %s as source '%s' in %.1f s: %s%s%n", feed.folder(), feed.sourceId(),
                    (System.nanoTime() - started) / 1e9, result.loaded(),
                    result.skipped().isEmpty() ? "" : " (skipped, not ingested: " + result.skipped() + ")");
        }
        slotToBook = firstFreeSlot(feedsDir.resolve(FEEDS.get(0).folder()));

        PublicationSummary full = awaitPublication(expectedSlots);
        out.printf("slotstream: publication at %s (transactionTime %s, %d files)%n", full.manifestUrl(), full.transactionTime(), full.files());
        out.printf("slotstream:   resources per type %s; slots per status %s%n", full.resourcesByType(), full.slotsByStatus());
        if (full.count("Slot") < expectedSlots) {
            out.printf("slotstream:   note: %d of %d loaded slots are published (slots whose schedule cannot be published are held back)%n",
                    full.count("Slot"), expectedSlots);
        }
        if (slotToBook == null) {
            return new Result(full, expectedSlots, null, null);
        }
        String bookedId = CanonicalId.of(FEEDS.get(0).sourceId(), slotToBook.path("id").asText());
        return new Result(full, expectedSlots, bookedId, showLiveChange(slotToBook, bookedId, full.transactionTime()));
    }

    private PublicationSummary awaitPublication(int expectedSlots) {
        long deadline = System.nanoTime() + PUBLICATION_TIMEOUT.toNanos();
        PublicationSummary last = null;
        int stableRounds = 0;
        while (System.nanoTime() < deadline) {
            try {
                PublicationSummary now = PublicationSummary.read(manifestUrl, line -> true);
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
        throw new StackException("the publication at " + manifestUrl + " did not reflect the loaded feeds within "
                + PUBLICATION_TIMEOUT.toSeconds() + " s" + (last == null ? " (no manifest)" : " (slots published: " + last.count("Slot") + " of " + expectedSlots + ")"));
    }

    private Duration showLiveChange(JsonNode slot, String publishedId, String since) {
        String sourceId = FEEDS.get(0).sourceId();
        ObjectNode booked = slot.deepCopy();
        booked.put("status", "busy");
        long started = System.nanoTime();
        loader.put(booked, sourceId);
        out.printf("slotstream: live change: slot %s booked at source '%s'; polling %s?_since=%s%n", slot.path("id").asText(), sourceId, manifestUrl, since);
        String sinceUrl = manifestUrl + "?_since=" + URLEncoder.encode(since, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + LIVE_CHANGE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            AtomicBoolean seen = new AtomicBoolean();
            PublicationSummary delta = PublicationSummary.read(sinceUrl, line -> {
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

    private JsonNode firstFreeSlot(Path folder) {
        return loader.readPublication(folder).getOrDefault("Slot", List.of()).stream()
                .filter(s -> "free".equals(s.path("status").asText()))
                .findFirst().orElse(null);
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
