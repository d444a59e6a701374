package io.slotstream.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * Intake meters, tagged {@code type} (FHIR resource type, or {@code Bundle}/{@code unknown}) and {@code source}:
 * <ul>
 *   <li>{@code slotstream.ingest.accepted} - resources written (upserts and deletes);</li>
 *   <li>{@code slotstream.ingest.unchanged} - re-sends equal to the stored resource, not written;</li>
 *   <li>{@code slotstream.ingest.stale} - versions older than the stored one (or than a delete), ignored;</li>
 *   <li>{@code slotstream.ingest.rejected} - refused inputs, also tagged {@code reason} (the HTTP status class:
 *       {@code structure} 400, {@code profile} 422, {@code too-large} 413, {@code media-type} 415, ...);</li>
 *   <li>{@code slotstream.ingest.bytes} - raw JSON size of each accepted or refused resource, in bytes;</li>
 *   <li>{@code slotstream.ingest.durable.latency} - from request receipt to Kafka commit, per written resource;</li>
 *   <li>{@code slotstream.ingest.dead.letters} - records written to ingest.dead-letter.v1.</li>
 * </ul>
 * The {@code source} tag is bounded by the configured sources; in header mode (no tokens) it is whatever callers send.
 */
public final class IntakeMetrics {

    private final MeterRegistry registry;

    public IntakeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(String type, String source) {
        Counter.builder("slotstream.ingest.accepted").tags("type", type, "source", source).register(registry).increment();
    }

    public void unchanged(String type, String source) {
        Counter.builder("slotstream.ingest.unchanged").tags("type", type, "source", source).register(registry).increment();
    }

    public void stale(String type, String source) {
        Counter.builder("slotstream.ingest.stale").tags("type", type, "source", source).register(registry).increment();
    }

    public void rejected(String type, String source, String reason) {
        Counter.builder("slotstream.ingest.rejected").tags("type", type, "source", source, "reason", reason)
                .register(registry).increment();
    }

    public void bytes(String type, String source, long bytes) {
        DistributionSummary.builder("slotstream.ingest.bytes").baseUnit("bytes").tags("type", type, "source", source)
                .register(registry).record(bytes);
    }

    public void durableLatency(String type, String source, Duration latency) {
        Timer.builder("slotstream.ingest.durable.latency").tags("type", type, "source", source)
                .publishPercentileHistogram().register(registry).record(latency);
    }

    public void deadLetter(String source) {
        Counter.builder("slotstream.ingest.dead.letters").tags("source", source).register(registry).increment();
    }
}
