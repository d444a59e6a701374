package io.slotstream.ingest.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.ingest.IntakeTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A measurement, not a test (docs/benchmarks.md, "feed intake CPU in-process"): runs only when
 * {@code -Dslotstream.measure.feed-dir=<a publication written by ./slotstream bench generate>} is given. Subscribes the
 * intake to that publication four times under new sources (each poll creates every resource again) and prints, per
 * poll, the wall time, the process CPU time (this JVM also runs the test broker, so it is an upper bound for
 * ingest-service) and the CPU of the busiest threads by name. Asserts only that each poll read everything.
 */
@EnabledIfSystemProperty(named = "slotstream.measure.feed-dir", matches = ".+")
class FeedIntakeCpuMeasurement extends IntakeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pollsOfAGeneratedPublication() throws Exception {
        Path dir = Path.of(System.getProperty("slotstream.measure.feed-dir"));
        long slots = 0;
        try (TestPublisher publisher = new TestPublisher()) {
            String manifest = Files.readString(dir.resolve("$bulk-publish")).replace("http://127.0.0.1:8083/bench-data/", publisher.url("/g/"));
            publisher.file("/g/$bulk-publish", manifest);
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
                    String content = Files.readString(f);
                    publisher.file("/g/" + f.getFileName(), content);
                    if (f.getFileName().toString().startsWith("Slot")) {
                        slots += content.lines().count();
                    }
                }
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            StringBuilder out = new StringBuilder();
            for (int run = 0; run < 4; run++) {
                String source = "measure" + run + "x" + System.nanoTime() % 10000;
                Map<Long, Long> before = cpu(threads);
                long p0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                HttpResponse<String> r = send("PUT", "/admin/feeds/" + source,
                        "{\"url\":\"" + publisher.url("/g/$bulk-publish") + "\",\"interval\":\"1h\"}", "application/json", null);
                if (r.statusCode() != 201) {
                    throw new AssertionError(r.body());
                }
                JsonNode status = await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> JSON.readTree(send("GET", "/admin/feeds/" + source, null, null, null).body()),
                                s -> s.path("lastSuccess").isTextual());
                assertThat(status.path("rejects").path("lastPoll").asLong()).isZero();
                double wall = (System.nanoTime() - t0) / 1e9;
                double process = (os.getProcessCpuTime() - p0) / 1e9;
                Map<String, Double> byName = new TreeMap<>();
                Map<Long, Long> after = cpu(threads);
                for (Map.Entry<Long, Long> e : after.entrySet()) {
                    long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                    ThreadInfo info = threads.getThreadInfo(e.getKey());
                    if (info != null && delta > 50_000_000L) {
                        byName.merge(info.getThreadName().replaceAll("[0-9]+", "#"), delta / 1e9, Double::sum);
                    }
                }
                out.append(String.format("run %d: wall %.2f s, process CPU %.2f s (%.1f us/slot), writes %s, rejects %s%n   threads %s%n",
                        run, wall, process, process * 1e6 / slots, status.path("lastPollWrites"), status.path("rejects"), byName));
                send("DELETE", "/admin/feeds/" + source, null, null, null);
            }
            System.out.println("feed intake, " + slots + " slots per poll:\n" + out);
        }
    }

    private static Map<Long, Long> cpu(ThreadMXBean threads) {
        Map<Long, Long> m = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                m.put(id, t);
            }
        }
        return m;
    }
}
