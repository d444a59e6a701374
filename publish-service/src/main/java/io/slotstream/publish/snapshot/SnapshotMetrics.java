package io.slotstream.publish.snapshot;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Snapshot metrics: {@code slotstream.publish.snapshot.duration} (timer), {@code slotstream.publish.snapshot.bytes}
 * (summary, bytes of all files of a snapshot), {@code slotstream.publish.snapshot.resources} (gauge per
 * {@code type}: lines of the current snapshot) and {@code slotstream.publish.snapshot.transaction.time} (gauge,
 * epoch seconds of the current snapshot).
 */
public final class SnapshotMetrics {

    private final MeterRegistry registry;
    private final Timer duration;
    private final DistributionSummary bytes;
    private final Map<String, AtomicLong> resources = new ConcurrentHashMap<>();
    private final AtomicLong transactionTime = new AtomicLong();

    public SnapshotMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duration = Timer.builder("slotstream.publish.snapshot.duration").description("Time to cut and write a snapshot")
                .register(registry);
        this.bytes = DistributionSummary.builder("slotstream.publish.snapshot.bytes").baseUnit("bytes")
                .description("Bytes of all NDJSON files of a snapshot").register(registry);
        Gauge.builder("slotstream.publish.snapshot.transaction.time", transactionTime, AtomicLong::get)
                .baseUnit("seconds").description("transactionTime of the current snapshot").register(registry);
    }

    void snapshotWritten(Duration took, long transactionTimeMillis, List<PublishedFile> files) {
        duration.record(took);
        bytes.record(files.stream().mapToLong(PublishedFile::bytes).sum());
        Map<String, Long> perType = new java.util.HashMap<>();
        for (String type : List.of("Location", "Schedule", "PractitionerRole", "Slot")) {
            perType.put(type, 0L);
        }
        files.forEach(f -> perType.merge(f.type(), f.lines(), Long::sum));
        perType.forEach((type, count) -> resources.computeIfAbsent(type, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("slotstream.publish.snapshot.resources", value, AtomicLong::get).tag("type", t)
                    .description("Resources in the current snapshot").register(registry);
            return value;
        }).set(count));
        transactionTime.set(transactionTimeMillis / 1000);
    }
}
