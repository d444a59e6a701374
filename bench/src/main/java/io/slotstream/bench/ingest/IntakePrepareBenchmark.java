package io.slotstream.bench.ingest;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.SlotJson;
import io.slotstream.ingest.identity.Reidentifier;
import io.slotstream.ingest.intake.PreparedWrite;
import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.intake.ResourcePreparer;
import io.slotstream.ingest.normalization.LegacyNormalizer;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.FullValidator;
import io.slotstream.ingest.validation.SchedulingRules;
import io.slotstream.schemas.mapping.FhirAvroMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code intake-prepare}: ingest-service's per-Slot intake work in-process, on one thread, for the generator's Slots of
 * {@code --size} (as NDJSON lines, the way a feed delivers them): JSON parse plus {@code ResourcePreparer} (validation,
 * STU1 normalisation, re-identification, the {@code fhir.slot.v1} record), once through the full path (HAPI strict
 * parse, model rules, {@code FhirAvroMapper} with its lossless round trip) and once through
 * {@code ResourcePreparer.upsertRecord} (the Slot fast path). Reported per path: CPU microseconds per Slot (the
 * thread's CPU time, so a busy machine's other work is not counted) and Slots/s on one thread; and the ratio. Not
 * included: the feed's repairs, Avro serialisation, the ordering decision and Kafka (the same for both paths).
 * Needs nothing running.
 */
public final class IntakePrepareBenchmark implements Benchmark {

    @Override
    public String name() {
        return "intake-prepare";
    }

    @Override
    public String description() {
        return "ingest-service's per-Slot intake preparation in-process, full HAPI path vs Slot fast path: CPU us/slot (needs nothing running)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        List<String> lines = lines(new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed())));
        FhirContext fhir = FhirContext.forR4Cached();
        ResourcePreparer preparer = new ResourcePreparer(new FhirJsonReader(fhir), new LegacyNormalizer("newpt"),
                new SchedulingRules(fhir.getResourceTypes()), new FullValidator(fhir, false),
                new Reidentifier("urn:slotstream:source:"), new FhirAvroMapper(fhir));
        ObjectMapper json = new ObjectMapper();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long fastOnes = 0;
        for (int i = 0; i < options.warmup() + options.runs(); i++) {
            double[] cpuPerSlot = new double[2];
            for (boolean fast : new boolean[]{true, false}) {
                long cpu0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long withoutHapi = 0;
                for (String line : lines) {
                    JsonNode node = json.readTree(line);
                    String id = node.get("id").asText();
                    PreparedWrite write = fast
                            ? preparer.upsertRecord("bench", node, () -> line, line.length(), ResourceKind.SLOT, id, Map.of(), Instant.now())
                            : preparer.upsert("bench", node, line, ResourceKind.SLOT, id, Map.of(), Instant.now(), false);
                    withoutHapi += write.resource() == null ? 1 : 0;
                }
                double cpuUs = (cpu.getCurrentThreadCpuTime() - cpu0) / 1e3 / lines.size();
                double seconds = (System.nanoTime() - t0) / 1e9;
                cpuPerSlot[fast ? 0 : 1] = cpuUs;
                if (i >= options.warmup()) {
                    String path = fast ? "fast" : "full";
                    report.addRun(path + "_cpu_per_slot", "us", cpuUs);
                    report.addRun(path + "_throughput", "slots/s", lines.size() / seconds);
                }
                if (fast) {
                    fastOnes = withoutHapi;
                }
            }
            if (i >= options.warmup()) {
                report.addRun("cpu_ratio", "x", cpuPerSlot[1] / cpuPerSlot[0]);
            }
        }
        report.info("slots", lines.size());
        report.info("slots_on_fast_path", fastOnes);
        report.info("note", "one thread; JSON parse + ResourcePreparer only (no feed repairs, Avro serialisation, ordering, Kafka)");
    }

    private static List<String> lines(HealthSystem system) {
        List<String> lines = new ArrayList<>();
        JsonFactory factory = new JsonFactory();
        system.forEachSlot(slot -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
            try (JsonGenerator generator = factory.createGenerator(out, JsonEncoding.UTF8)) {
                SlotJson.write(slot, generator);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            lines.add(out.toString(StandardCharsets.UTF_8));
        });
        return lines;
    }
}
