package io.slotstream.bench.core;

/**
 * One benchmark of the harness. Implementations run {@link BenchOptions#warmup()} unrecorded runs and then
 * {@link BenchOptions#runs()} measured runs, adding each measured run's numbers to the report. Every run does the
 * work again on fresh data (new ids or a new source), so no run measures a cache.
 */
public interface Benchmark {

    /** The name on the command line, e.g. {@code ingest}. */
    String name();

    /** One line for the usage text: what it measures and what it needs running. */
    String description();

    /**
     * @throws BenchException with a one-line reason when a service it needs is unreachable or answers wrongly
     * @throws Exception      on anything else (reported with its stack trace)
     */
    void run(BenchOptions options, Report report) throws Exception;
}
