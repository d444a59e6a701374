package io.slotstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.deploy.local.SharedStack;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark that needs no Slotstream service in --smoke mode, so the harness cannot rot. Asserts only
 * that each completes and reports numbers, never a speed (issue 7).
 */
class BenchSmokeTest {

    @Test
    void generatorReportsNumbers() throws Exception {
        JsonNode result = run("generator", "--smoke");
        assertThat(result.path("metrics").path("throughput").path("median").asDouble()).isPositive();
        assertThat(result.path("info").path("slots").asLong()).isPositive();
        JsonNode machine = result.path("machine");
        assertThat(machine.path("reference_work_ms").asDouble()).isPositive();
        // the generator itself keeps a core busy, and the test JVM runs on this Linux machine
        assertThat(machine.path("cpu_busy_pct").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(100);
        assertThat(machine.path("cpu_steal_pct").asDouble()).isBetween(0.0, 100.0);
    }

    @Test
    void intakePrepareReportsBothPathsAndEverySlotTakesTheFastPath() throws Exception {
        JsonNode result = run("intake-prepare", "--smoke");
        assertThat(result.path("metrics").path("fast_cpu_per_slot").path("median").asDouble()).isPositive();
        assertThat(result.path("metrics").path("full_cpu_per_slot").path("median").asDouble()).isPositive();
        assertThat(result.path("metrics").path("cpu_ratio").path("median").asDouble()).isPositive();
        assertThat(result.path("info").path("slots_on_fast_path").asLong()).isEqualTo(result.path("info").path("slots").asLong());
    }

    @Test
    void ndjsonWriterRunsJmhAndReportsBothWritersAndTheRatio() throws Exception {
        JsonNode result = run("ndjson-writer", "--smoke");
        assertThat(result.path("metrics").path("slotstream").path("median").asDouble()).isPositive();
        assertThat(result.path("metrics").path("hapi").path("median").asDouble()).isPositive();
        assertThat(result.path("metrics").path("slotstream_over_hapi").path("median").asDouble()).isPositive();
        assertThat(result.path("metrics").path("slotstream_bytes").path("unit").asText()).isEqualTo("MB/s");
    }

    @Test
    void publicationCutPublishesAndRewritesOneGroupPerChangedSlot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        JsonNode result = run("publication-cut", "--smoke", "--slots", "2600", "--changes", "3", "--dd-mib", "8",
                "--dir", dir.toString());
        JsonNode metrics = result.path("metrics");
        assertThat(metrics.path("full_publication_files").path("median").asDouble()).isEqualTo(260);
        double full = metrics.path("full_publication_bytes").path("median").asDouble();
        assertThat(full).isPositive();
        // A changed slot stores at most its group's file: one of 260 groups of 10 slots each.
        assertThat(metrics.path("one_slot_cut_bytes_mean").path("median").asDouble()).isLessThan(full / 100);
        assertThat(metrics.path("one_slot_cut").path("samples").asInt()).isEqualTo(3);
        assertThat(result.path("info").path("dd_write_mib_per_s").asDouble()).isPositive();
    }

    @Test
    void kafkaProducerPerfRunsAgainstARealBroker() throws Exception {
        String bootstrap = SharedStack.get().bootstrapServers();
        JsonNode result = run("kafka-producer-perf", "--smoke", "--bootstrap", bootstrap);
        assertThat(result.path("metrics").path("throughput").path("median").asDouble()).isPositive();
        assertThat(result.path("info").path("record_size_bytes").asInt()).isPositive();
        assertThat(result.path("metrics").path("p99_latency").path("unit").asText()).isEqualTo("ms");
    }

    @Test
    void aBenchmarkWhoseServiceIsDownFailsWithOneLine() {
        assertFailsWithOneLine("ingest", "bench ingest: cannot connect to http://127.0.0.1:9/fhir");
    }

    @Test
    void theFeedBenchmarkWithoutIngestFailsWithOneLineBeforeGenerating() {
        assertFailsWithOneLine("feed", "bench feed: cannot connect to http://127.0.0.1:9/actuator/prometheus");
    }

    @Test
    void theBookingBenchmarkWithoutBookingBridgeFailsWithOneLineBeforeLoading() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchMain.run(new String[] {"booking", "--smoke", "--booking-url", "http://127.0.0.1:9"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bench booking: cannot connect to http://127.0.0.1:9/fhir/metadata");
    }

    @Test
    void theSoakWithoutTheStackFailsWithOneLineBeforeLoading() {
        assertFailsWithOneLine("soak", "bench soak: cannot connect to http://127.0.0.1:9/fhir/metadata");
    }

    private static void assertFailsWithOneLine(String benchmark, String expected) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchMain.run(new String[] {benchmark, "--smoke", "--ingest-url", "http://127.0.0.1:9"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(expected);
    }

    @Test
    void unknownNamesAndBadOptionsAreUsageErrors() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertThat(BenchMain.run(new String[] {"nope"}, quiet, quiet)).isEqualTo(2);
        assertThat(BenchMain.run(new String[] {"generator", "--size", "huge"}, quiet, quiet)).isEqualTo(2);
    }

    private static JsonNode run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; stderr: %s", err).isZero();
        String firstLine = stdout.lines().findFirst().orElseThrow();
        JsonNode json = new ObjectMapper().readTree(firstLine);
        assertThat(json.path("benchmark").asText()).isEqualTo(args[0]);
        assertThat(json.path("smoke").asBoolean()).isTrue();
        assertThat(json.path("unit").asText()).isNotBlank();
        assertThat(stdout).contains("SMOKE");
        return json;
    }
}
