package io.slotstream.availability.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.slotstream.availability.topology.TopologyMetrics;

import java.time.Duration;

/**
 * Topology metrics in Micrometer (Prometheus names in brackets):
 * {@code slotstream.availability.records.processed{input}} [_total], {@code ...records.dropped{input,reason}},
 * {@code ...hold.expiries}, {@code ...published{kind=upsert|tombstone}}, and the end-to-end lag timer
 * {@code slotstream.availability.lag} (view update time minus the event time that caused it; histogram buckets).
 */
public final class MicrometerTopologyMetrics implements TopologyMetrics {

    private final MeterRegistry registry;
    private final Counter holdExpiries;
    private final Counter retirements;
    private final Counter upserts;
    private final Counter tombstones;
    private final Timer lag;

    public MicrometerTopologyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.holdExpiries = Counter.builder("slotstream.availability.hold.expiries")
                .description("Holds lapsed by wall-clock punctuation").register(registry);
        this.retirements = Counter.builder("slotstream.availability.slot.retirements")
                .description("Slots retired after their end by wall-clock punctuation").register(registry);
        this.upserts = Counter.builder("slotstream.availability.published").tag("kind", "upsert")
                .description("Changes written to slot.availability.v1").register(registry);
        this.tombstones = Counter.builder("slotstream.availability.published").tag("kind", "tombstone")
                .description("Changes written to slot.availability.v1").register(registry);
        this.lag = Timer.builder("slotstream.availability.lag")
                .description("End-to-end lag: event time of a change to its view update")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void recordProcessed(String input) {
        registry.counter("slotstream.availability.records.processed", "input", input).increment();
    }

    @Override
    public void recordDropped(String input, String reason) {
        registry.counter("slotstream.availability.records.dropped", "input", input, "reason", reason).increment();
    }

    @Override
    public void holdExpired() {
        holdExpiries.increment();
    }

    @Override
    public void slotRetired() {
        retirements.increment();
    }

    @Override
    public void published(boolean tombstone, long lagMs) {
        (tombstone ? tombstones : upserts).increment();
        lag.record(Duration.ofMillis(lagMs));
    }
}
