package io.slotstream.bench;

import io.slotstream.bench.booking.BookingBenchmark;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.CpuTimes;
import io.slotstream.bench.core.ReferenceWork;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.feed.FeedBenchmark;
import io.slotstream.bench.freshness.FreshnessBenchmark;
import io.slotstream.bench.freshness.LocationChangeBenchmark;
import io.slotstream.bench.generator.GenerateCommand;
import io.slotstream.bench.generator.GeneratorBenchmark;
import io.slotstream.bench.ingest.IngestBenchmark;
import io.slotstream.bench.ingest.IntakePrepareBenchmark;
import io.slotstream.bench.kafka.KafkaProducerPerfBenchmark;
import io.slotstream.bench.ndjson.NdjsonWriterBenchmark;
import io.slotstream.bench.publication.PublicationBenchmark;
import io.slotstream.bench.publication.PublicationCutBenchmark;
import io.slotstream.bench.query.QueryBenchmark;
import io.slotstream.bench.query.ViewBuildBenchmark;
import io.slotstream.bench.soak.SoakBenchmark;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code BenchMain <name> [--size small|medium|large] [--runs N] [--warmup N] [--smoke] [--key value ...]}: runs one
 * benchmark and prints one JSON line (see {@link Report}) then a human summary to stdout; progress goes to stderr.
 * {@code BenchMain generate --out DIR ...} writes a generated publication instead. Exit status: 0 done, 1 the
 * benchmark could not run (one-line reason on stderr), 2 usage error.
 */
public final class BenchMain {

    /** Every benchmark, by command-line name. */
    public static final Map<String, Benchmark> BENCHMARKS = new LinkedHashMap<>();
    static final int REFERENCE_REPETITIONS = 10;

    static {
        for (Benchmark b : List.of(new GeneratorBenchmark(), new NdjsonWriterBenchmark(), new KafkaProducerPerfBenchmark(),
                new IngestBenchmark(), new FreshnessBenchmark(), new LocationChangeBenchmark(), new ViewBuildBenchmark(),
                new QueryBenchmark(), new PublicationBenchmark(), new PublicationCutBenchmark(), new FeedBenchmark(),
                new BookingBenchmark(), new SoakBenchmark(), new IntakePrepareBenchmark())) {
            BENCHMARKS.put(b.name(), b);
        }
    }

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; @return the exit status */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(Arrays.asList(args).subList(1, args.length));
            options.size();
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            return 2;
        }
        try {
            if (args[0].equals("generate")) {
                out.print(GenerateCommand.run(options));
                return 0;
            }
            Benchmark benchmark = BENCHMARKS.get(args[0]);
            if (benchmark == null) {
                err.println("bench: unknown benchmark '" + args[0] + "'");
                usage(err);
                return 2;
            }
            Report report = runOne(benchmark, options);
            out.println(report.jsonLine());
            out.print(report.summary());
            return 0;
        } catch (BenchException | IllegalArgumentException e) {
            err.println("bench " + args[0] + ": " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        } catch (Exception e) {
            err.println("bench " + args[0] + " failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * Runs a benchmark and returns its report (for tests), with the machine's speed before it
     * ({@link ReferenceWork}, {@value #REFERENCE_REPETITIONS} repetitions) and how busy the machine was during it
     * ({@link CpuTimes}, Linux only).
     */
    public static Report runOne(Benchmark benchmark, BenchOptions options) throws Exception {
        Report report = new Report(benchmark.name(), options);
        report.machine("reference_work_ms", ReferenceWork.bestOf(REFERENCE_REPETITIONS));
        Optional<CpuTimes> before = CpuTimes.read();
        benchmark.run(options, report);
        if (report.metrics().isEmpty()) {
            throw new BenchException("produced no numbers");
        }
        Optional<CpuTimes> after = CpuTimes.read();
        if (before.isPresent() && after.isPresent()) {
            report.machine("cpu_busy_pct", before.get().busyPercentUntil(after.get()));
            report.machine("cpu_steal_pct", before.get().stealPercentUntil(after.get()));
        }
        return report;
    }

    private static void usage(PrintStream out) {
        out.println("usage: ./slotstream bench <name> [--size small|medium|large] [--runs N] [--warmup N] [--smoke] [--key value ...]");
        out.println("       ./slotstream bench generate --out DIR [--size S] [--seed N] [--start YYYY-MM-DD] [--changes N --rate R]");
        out.println("benchmarks (details and options: docs/benchmarks.md):");
        BENCHMARKS.values().forEach(b -> out.printf("  %-20s %s%n", b.name(), b.description()));
    }
}
