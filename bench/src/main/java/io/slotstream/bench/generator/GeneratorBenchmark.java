package io.slotstream.bench.generator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.ndjson.CountingOutputStream;

/**
 * {@code generator}: how fast the generator produces Slot NDJSON (generate + serialize into a counting sink, no
 * disk), so the load benchmarks can show the generator is not their bottleneck. Each run generates the whole
 * system of {@code --size} again. Needs nothing running.
 */
public final class GeneratorBenchmark implements Benchmark {

    @Override
    public String name() {
        return "generator";
    }

    @Override
    public String description() {
        return "generated Slots/s (generate + NDJSON into memory) for --size (needs nothing running)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        JsonFactory factory = new JsonFactory().setRootValueSeparator(null);
        long slots = 0;
        long bytes = 0;
        for (int i = 0; i < options.warmup() + options.runs(); i++) {
            CountingOutputStream sink = new CountingOutputStream();
            long[] n = {0};
            long t0 = System.nanoTime();
            try (JsonGenerator json = factory.createGenerator(sink, JsonEncoding.UTF8)) {
                system.forEachSlot(slot -> {
                    try {
                        SlotJson.write(slot, json);
                        json.writeRaw('\n');
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    n[0]++;
                });
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (i >= options.warmup()) {
                report.addRun("throughput", "slots/s", n[0] / seconds);
                report.addRun("ndjson_bytes", "MB/s", sink.bytes() / seconds / 1e6);
            }
            slots = n[0];
            bytes = sink.bytes();
        }
        report.info("slots", slots);
        report.info("ndjson_bytes_per_run", bytes);
        report.info("locations", system.sites().size());
        report.info("schedules", system.providers().size());
        report.info("days", system.days());
    }
}
