package io.slotstream.bench.publication;

import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Services;
import io.slotstream.bench.http.SincePoll;

import java.time.Instant;

/**
 * {@code publication}: what a Slot Discovery Client sees of publish-service. Per run: (1) a full poll (manifest and
 * every NDJSON file, streamed and parsed line by line; no conditional headers, so nothing is answered from a client
 * cache): wall time (s), bytes and resources; (2) {@code --polls} (default 50; 5 in smoke) {@code _since} polls
 * ({@code _since} = 60 s ago, manifest plus files): latency p50/p99 (ms). Whatever data the stack holds is
 * published; load some first (another benchmark, or {@code generate} + SampleFeedLoader). The server-side time and
 * peak heap of cutting a snapshot are publish-service metrics, not measured here.
 */
public final class PublicationBenchmark implements Benchmark {

    @Override
    public String name() {
        return "publication";
    }

    @Override
    public String description() {
        return "full $bulk-publish poll (time, bytes) and _since poll latency, client side (needs the stack)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        int polls = options.integer("polls", options.smoke() ? 5 : 50);
        HttpCall http = new HttpCall();
        report.info("publish_url", services.publish());
        report.info("since_polls_per_run", polls);
        for (int i = 0; i < options.warmup() + options.runs(); i++) {
            SincePoll full = SincePoll.poll(http, services.publish(), null, r -> { });
            double[] since = new double[polls];
            long sinceResources = 0;
            for (int k = 0; k < polls; k++) {
                SincePoll poll = SincePoll.poll(http, services.publish(), Instant.now().minusSeconds(60).toString(), r -> { });
                since[k] = poll.millis();
                sinceResources += poll.resources();
            }
            if (i >= options.warmup()) {
                report.addRun("full_poll_time", "s", full.millis() / 1000);
                report.addRun("full_poll_bytes", "bytes", full.bytes());
                report.addRun("full_poll_resources", "resources", full.resources());
                report.addRun("full_poll_throughput", "resources/s", full.resources() / (full.millis() / 1000));
                report.addLatencies("since_poll", since);
                report.addRun("since_poll_resources_mean", "resources", (double) sinceResources / Math.max(1, polls));
            }
        }
    }
}
