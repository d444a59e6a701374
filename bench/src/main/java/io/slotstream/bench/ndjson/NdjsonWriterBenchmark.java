package io.slotstream.bench.ndjson;

import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code ndjson-writer}: runs the {@link NdjsonWriterJmh} microbenchmark through the JMH {@link Runner}: {@code
 * --warmup} warm-up iterations (excluded) and {@code --runs} measured iterations of {@code --iteration-seconds}
 * (default 2) each, in {@code --forks} forked JVMs (default 1). Reports Slots/s of each writer (median and spread
 * over the measured iterations of all forks), bytes/s, and the Slotstream writer / HAPI ratio. In smoke mode: 1 fork, 1
 * warm-up and 1 measured iteration of 200 ms each. {@code --size} does not apply (the batch is fixed).
 */
public final class NdjsonWriterBenchmark implements Benchmark {

    @Override
    public String name() {
        return "ndjson-writer";
    }

    @Override
    public String description() {
        return "JMH: publish-service's Slot NDJSON writer vs HAPI encodeResourceToWriter (needs nothing running)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        ForkClasspath.prepare();
        boolean smoke = options.smoke();
        int warmup = options.integer("warmup", smoke ? 1 : 3);
        int runs = options.integer("runs", smoke ? 1 : 5);
        TimeValue iteration = smoke ? TimeValue.milliseconds(200)
                : TimeValue.milliseconds((long) (options.number("iteration-seconds", 2) * 1000));
        Options jmh = new OptionsBuilder()
                .include(NdjsonWriterJmh.class.getName().replace(".", "\\.") + "\\.")
                .forks(options.integer("forks", 1))
                .warmupIterations(warmup).warmupTime(iteration)
                .measurementIterations(runs).measurementTime(iteration)
                .threads(1)
                .shouldFailOnError(true)
                .verbosity(smoke ? VerboseMode.SILENT : VerboseMode.NORMAL)
                .jvmArgsAppend("-Xmx512m")
                .build();
        // JMH's progress goes to stderr: stdout carries only the JSON line and the summary
        Collection<RunResult> results = new Runner(jmh, OutputFormatFactory.createFormatInstance(System.err,
                smoke ? VerboseMode.SILENT : VerboseMode.NORMAL)).run();
        double[] bytesPerSlot = NdjsonWriterJmh.bytesPerSlot();
        double[] slotstream = scores(results, "slotstream");
        double[] hapi = scores(results, "hapi");
        for (int i = 0; i < Math.min(slotstream.length, hapi.length); i++) {
            report.addRun("slotstream_over_hapi", "x", slotstream[i] / hapi[i]);
        }
        for (double v : slotstream) {
            report.addRun("slotstream", "resources/s", v);
        }
        for (double v : hapi) {
            report.addRun("hapi", "resources/s", v);
        }
        for (double v : slotstream) {
            report.addRun("slotstream_bytes", "MB/s", v * bytesPerSlot[0] / 1e6);
        }
        for (double v : hapi) {
            report.addRun("hapi_bytes", "MB/s", v * bytesPerSlot[1] / 1e6);
        }
        report.info("bytes_per_slot_slotstream", Math.round(bytesPerSlot[0] * 10) / 10.0);
        report.info("bytes_per_slot_hapi", Math.round(bytesPerSlot[1] * 10) / 10.0);
        report.runCounts(runs * options.integer("forks", 1), warmup * options.integer("forks", 1));
        report.info("batch", NdjsonWriterJmh.BATCH);
        report.info("jmh_forks", options.integer("forks", 1));
        report.info("jmh_warmup_iterations", warmup);
        report.info("jmh_measured_iterations_per_fork", runs);
        report.info("jmh_iteration_ms", iteration.convertTo(java.util.concurrent.TimeUnit.MILLISECONDS));
        report.info("slotstream_writer", "io.slotstream.schemas.slot.SlotJsonWriter");
        report.info("ratio_note", "slotstream_over_hapi pairs measured iteration i of each writer");
    }

    /** Per-iteration scores (Slots/s) of one benchmark method, over all forks. */
    private static double[] scores(Collection<RunResult> results, String method) {
        List<Double> scores = new ArrayList<>();
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith("." + method)) {
                for (BenchmarkResult fork : r.getBenchmarkResults()) {
                    for (IterationResult it : fork.getIterationResults()) {
                        scores.add(it.getPrimaryResult().getScore());
                    }
                }
            }
        }
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
