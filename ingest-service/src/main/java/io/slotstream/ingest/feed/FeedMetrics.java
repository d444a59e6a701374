package io.slotstream.ingest.feed;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Feed metrics (Micrometer): {@code slotstream.ingest.feed.polls} ({@code source}, {@code outcome} ok|failed),
 * {@code .warnings} ({@code source}, {@code warning} = {@link FeedWarning#code()}), {@code .rejects} ({@code source}),
 * {@code .writes} ({@code source}, {@code result} created|updated|unchanged|deleted), and the gauges
 * {@code .stale} (0/1) and {@code .since.change.seconds} per {@code source}.
 */
final class FeedMetrics {

    private final MeterRegistry registry;
    private final Clock clock;

    FeedMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void polled(String source, boolean ok, FeedWarnings warnings, long rejects, Map<String, Long> writes) {
        Counter.builder("slotstream.ingest.feed.polls").tags("source", source, "outcome", ok ? "ok" : "failed")
                .register(registry).increment();
        warnings.counts().forEach((w, n) -> Counter.builder("slotstream.ingest.feed.warnings")
                .tags("source", source, "warning", w.code()).register(registry).increment(n));
        if (rejects > 0) {
            Counter.builder("slotstream.ingest.feed.rejects").tag("source", source).register(registry).increment(rejects);
        }
        writes.forEach((result, n) -> Counter.builder("slotstream.ingest.feed.writes")
                .tags("source", source, "result", result).register(registry).increment(n));
    }

    /** Registers the staleness gauges of a feed this replica polls (they read its state). */
    void watch(String source, Supplier<FeedState> state) {
        Gauge.builder("slotstream.ingest.feed.stale", () -> {
            FeedState s = state.get();
            return s != null && s.stale ? 1 : 0;
        }).tag("source", source).register(registry);
        Gauge.builder("slotstream.ingest.feed.since.change.seconds", () -> {
            FeedState s = state.get();
            return s == null ? 0 : Duration.between(s.lastChangeAt, clock.instant()).toSeconds();
        }).tag("source", source).register(registry);
    }
}
