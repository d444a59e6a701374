package io.slotstream.bench.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.freshness.AvailabilityTopicWatcher;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.PublicationWriter;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Services;
import io.slotstream.deploy.local.SampleFeedServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@code feed}: ingest-service as a Slot Aggregator (issue 13, deliverable 7). The generator's publication of
 * {@code --size} is written to disk and served over HTTP on loopback by the launcher's {@link SampleFeedServer}
 * (streamed line by line: constant memory at any size), then subscribed through ingest-service's admin API
 * ({@code PUT /admin/feeds/{source}}, a new source per run). Measured per run:
 * <ul>
 *   <li>{@code feed_ingest}: slots/s from the subscription to the feed status's {@code lastSuccess} (every file
 *       read and committed), and that time in s;</li>
 *   <li>{@code to_availability}: s until every slot of the feed is on {@code slot.availability.v1};</li>
 *   <li>{@code to_publication}: s until publish-service's {@code $bulk-publish} lists every slot of the feed (the
 *       publication is complete), and {@code end_to_end} slots/s over that time;</li>
 *   <li>{@code ingest_cpu}: ingest-service process CPU seconds during the intake (actuator
 *       {@code process.cpu.time}, before and after);</li>
 *   <li>a no-change poll of the same feed ({@code POST /admin/feeds/{source}/poll}, after the minimum interval):
 *       {@code no_change_cpu} (ingest CPU seconds from the request to the poll's end, minus the idle rate measured
 *       just before over the same length), {@code no_change_bytes} (body bytes the feed server sent, after gzip) and
 *       {@code no_change_requests}, and the poll's {@code mode} ({@code not-modified} when every answer was 304).</li>
 * </ul>
 * Options: {@code --ingest-url}, {@code --publish-url}, {@code --bootstrap}, {@code --registry-url} (see
 * {@link Services}), {@code --feed-dir DIR} (where the publication is written; default a temporary directory,
 * deleted afterwards), {@code --feed-port} (default 0: any free port), {@code --timeout} (minutes per stage, default
 * 10 for small, 90 for medium and large). The subscription is deleted at the end of each run; what it delivered stays.
 */
public final class FeedBenchmark implements Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "feed";
    }

    @Override
    public String description() {
        return "aggregator intake: a generated publication served on loopback, subscribed via PUT /admin/feeds: slots/s, "
                + "time to a complete publication, no-change poll CPU and bytes (needs the stack)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        Duration timeout = Duration.ofMinutes(options.integer("timeout",
                options.size().name().equalsIgnoreCase("small") ? 10 : 90));
        HttpCall http = new HttpCall();
        ingestCpuSeconds(http, services); // fail fast (one line) when ingest-service is not there, before generating
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        String feedDir = options.string("feed-dir", null);
        Path folder = feedDir == null ? Files.createTempDirectory("slotstream-bench-feed-") : Path.of(feedDir);
        String nonce = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        try (SampleFeedServer server = SampleFeedServer.start("127.0.0.1", options.integer("feed-port", 0))) {
            long t0 = System.nanoTime();
            PublicationWriter.Result written = new PublicationWriter(system, "http://127.0.0.1/unused/").write(folder);
            long slots = written.resourcesByType().getOrDefault("Slot", 0L);
            System.err.printf(Locale.ROOT, "feed: wrote %s (%,d bytes, %s) in %.1f s%n", folder, written.bytes(),
                    written.resourcesByType(), (System.nanoTime() - t0) / 1e9);
            report.info("ingest_url", services.ingest());
            report.info("publish_url", services.publish());
            report.info("feed_slots", slots);
            report.info("feed_resources", written.resourcesByType().toString());
            report.info("feed_bytes_on_disk", written.bytes());
            for (int i = 0; i < options.warmup() + options.runs(); i++) {
                boolean measured = i >= options.warmup();
                String source = "bench-feed-" + nonce + "-" + i;
                String manifest = server.serve(source, folder, false);
                runOnce(http, services, server, source, manifest, slots, timeout, measured ? report : null);
            }
        } finally {
            if (feedDir == null) {
                deleteTree(folder);
            }
        }
    }

    private static void runOnce(HttpCall http, Services services, SampleFeedServer server, String source, String manifest,
                                long slots, Duration timeout, Report report) throws Exception {
        String prefix = source + ".";
        Set<String> seen = ConcurrentHashMap.newKeySet();
        String feedUrl = services.ingest() + "/admin/feeds/" + source;
        try (AvailabilityTopicWatcher watcher = new AvailabilityTopicWatcher(services.bootstrap(), services.registry(),
                (value, nanos) -> {
                    if (value.getSlotId().startsWith(prefix)) {
                        seen.add(value.getSlotId());
                    }
                })) {
            double cpu0 = ingestCpuSeconds(http, services);
            long t0 = System.nanoTime();
            HttpCall.expect2xx(http.send(HttpRequest.newBuilder(URI.create(feedUrl))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("url", manifest).toString()))
                    .build()), "ingest-service (PUT " + feedUrl + ")");
            JsonNode status = awaitStatus(http, feedUrl, null, timeout);
            double ingestSeconds = (System.nanoTime() - t0) / 1e9;
            double cpu1 = ingestCpuSeconds(http, services);
            System.err.printf(Locale.ROOT, "feed %s: first poll done in %.1f s (%s)%n", source, ingestSeconds, status.path("resources"));
            awaitCount(() -> {
                watcher.check();
                return seen.size();
            }, slots, timeout, "slots of " + source + " on slot.availability.v1");
            double toAvailability = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "feed %s: %,d slots on slot.availability.v1 after %.1f s%n", source, slots, toAvailability);
            awaitCount(() -> publishedSlots(http, services.publish(), prefix), slots, timeout,
                    "slots of " + source + " in publish-service's $bulk-publish");
            double toPublication = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "feed %s: publication complete after %.1f s%n", source, toPublication);

            NoChange noChange = noChangePoll(http, services, server, feedUrl, status.path("lastPoll").asText(), timeout);
            System.err.printf(Locale.ROOT, "feed %s: no-change poll: mode %s, %.2f CPU s, %,d bytes in %d requests%n",
                    source, noChange.mode, noChange.cpuSeconds, noChange.bytes, noChange.requests);
            http.send(HttpRequest.newBuilder(URI.create(feedUrl)).timeout(Duration.ofSeconds(60)).DELETE().build());
            if (report != null) {
                report.addRun("end_to_end", "slots/s", slots / toPublication);
                report.addRun("feed_ingest", "slots/s", slots / ingestSeconds);
                report.addRun("feed_ingest_time", "s", ingestSeconds);
                report.addRun("to_availability", "s", toAvailability);
                report.addRun("to_publication", "s", toPublication);
                report.addRun("ingest_cpu", "s", cpu1 - cpu0);
                report.addRun("no_change_cpu", "s", noChange.cpuSeconds);
                report.addRun("no_change_bytes", "bytes", noChange.bytes);
                report.addRun("no_change_requests", "requests", noChange.requests);
                report.addRun("no_change_poll_time", "s", noChange.seconds);
                report.info("no_change_mode", noChange.mode);
                report.info("rejects_first_poll", status.path("rejects").path("lastPoll").asLong());
            }
        }
    }

    private record NoChange(String mode, double cpuSeconds, long bytes, long requests, double seconds) {
    }

    /**
     * Asks for a poll now; waits out the minimum interval (429 + Retry-After) first. The idle CPU rate is measured
     * while waiting (at least 10 s), so the poll's own CPU is what it adds.
     */
    private static NoChange noChangePoll(HttpCall http, Services services, SampleFeedServer server, String feedUrl,
                                         String previousPoll, Duration timeout) throws InterruptedException {
        String pollUrl = feedUrl + "/poll";
        long deadline = System.nanoTime() + timeout.toNanos();
        double idleRate = Double.NaN;
        while (true) {
            double idle0 = ingestCpuSeconds(http, services);
            long i0 = System.nanoTime();
            Thread.sleep(10_000);
            idleRate = (ingestCpuSeconds(http, services) - idle0) / ((System.nanoTime() - i0) / 1e9);
            double cpu0 = ingestCpuSeconds(http, services);
            long bytes0 = server.bodyBytesServed();
            long requests0 = server.requestsServed();
            long t0 = System.nanoTime();
            HttpCall.Response r = http.send(HttpRequest.newBuilder(URI.create(pollUrl)).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            if (r.status() == 429) {
                if (System.nanoTime() > deadline) {
                    throw new BenchException("ingest-service kept answering 429 to " + pollUrl);
                }
                continue; // the minimum interval (1 min by default) has not passed: measure the idle rate again
            }
            HttpCall.expect2xx(r, "ingest-service (POST " + pollUrl + ")");
            JsonNode status = awaitStatus(http, feedUrl, previousPoll, timeout);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ingestCpuSeconds(http, services) - cpu0 - idleRate * seconds;
            return new NoChange(status.path("mode").asText("?"), Math.max(0, cpu), server.bodyBytesServed() - bytes0,
                    server.requestsServed() - requests0, seconds);
        }
    }

    /**
     * Waits until the feed's status shows a finished poll after {@code previousPoll} (null: any) that read every
     * file ({@code lastSuccess} not before {@code lastPoll}).
     *
     * @throws BenchException when the poll failed ({@code lastError}) or on timeout
     */
    private static JsonNode awaitStatus(HttpCall http, String feedUrl, String previousPoll, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpCall.Response r = http.get(feedUrl);
            if (r.status() == 200) {
                JsonNode status = readJson(r, feedUrl);
                String lastPoll = status.path("lastPoll").asText(null);
                String lastSuccess = status.path("lastSuccess").asText(null);
                boolean newPoll = lastPoll != null && (previousPoll == null || !lastPoll.equals(previousPoll));
                boolean polling = status.path("polling").asBoolean(false);
                if (newPoll && !polling && lastSuccess != null && lastSuccess.compareTo(lastPoll) >= 0) {
                    return status;
                }
                if (newPoll && !polling && status.hasNonNull("lastError")) {
                    throw new BenchException("the feed poll failed: " + status.path("lastError"));
                }
            }
            Thread.sleep(500);
        }
        throw new BenchException("no completed feed poll within " + timeout + " (" + feedUrl + ")");
    }

    private interface Count {
        long get() throws Exception;
    }

    private static void awaitCount(Count count, long expected, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = count.get();
            if (last >= expected) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new BenchException("only " + last + " of " + expected + " " + what + " within " + timeout);
    }

    /** Streams publish-service's current publication and counts Slot lines of the source (constant memory). */
    private static long publishedSlots(HttpCall http, String publish, String prefix) {
        String url = publish + "/$bulk-publish";
        JsonNode manifest = readJson(HttpCall.expect2xx(http.get(url), "publish-service (" + url + ")"), url);
        String marker = "\"id\":\"" + prefix;
        long[] n = {0};
        for (JsonNode output : manifest.path("output")) {
            if ("Slot".equals(output.path("type").asText())) {
                http.getLines(output.path("url").asText(), line -> {
                    if (line.contains(marker)) {
                        n[0]++;
                    }
                });
            }
        }
        return n[0];
    }

    /** @return ingest-service's process CPU time in s (Micrometer {@code process.cpu.time} on the prometheus endpoint) */
    private static double ingestCpuSeconds(HttpCall http, Services services) {
        String url = services.ingest() + "/actuator/prometheus";
        HttpCall.Response r = HttpCall.expect2xx(http.get(url), "ingest-service (" + url + ")");
        for (String line : r.text().split("\n")) {
            // Micrometer's process.cpu.time: in ns on Spring Boot 4 (Prometheus client 1.x), in s on older ones
            if (line.startsWith("process_cpu_time_ns_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) / 1e9;
            }
            if (line.startsWith("process_cpu_time_seconds_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new BenchException("ingest-service's " + url + " has no process_cpu_time metric");
    }

    private static JsonNode readJson(HttpCall.Response r, String url) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new BenchException(url + " did not answer JSON: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("feed: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
