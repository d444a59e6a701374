package io.slotstream.publish.snapshot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.slotstream.publish.store.ResourceType;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publication metrics: {@code slotstream.publish.snapshot.duration} (timer of a cut until its changes are published),
 * {@code .refresh.duration} (timer of the refresh step after it, when it had stale groups to rewrite), {@code .bytes}
 * (summary, bytes a cut stored, both steps: only new files), {@code .groups} (summary, groups a cut wrote, whole or their change files only),
 * {@code .full.groups} (summary, groups whose full files a cut rewrote), {@code .delta.bytes} (summary, bytes of a
 * cut's delta files: what a client polling every cut downloads; not recorded for a delta given up at its limit),
 * {@code slotstream.publish.snapshot.resources} (gauge per {@code type}: resources in the current publication),
 * {@code .files} (gauge, files the manifest lists), {@code .transaction.time} (gauge, epoch seconds of the
 * current transactionTime) and {@code .failures} (counter of failed cuts, tag {@code reason} = {@code disk-full} or
 * {@code other}).
 */
public final class SnapshotMetrics {

    private final Timer duration;
    private final Timer refreshDuration;
    private final DistributionSummary bytes;
    private final DistributionSummary groups;
    private final DistributionSummary wholeGroups;
    private final DistributionSummary deltaBytes;
    private final Map<ResourceType, AtomicLong> resources = new EnumMap<>(ResourceType.class);
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong transactionTime = new AtomicLong();
    private final Counter cuts;
    private final Counter diskFull;
    private final Counter otherFailures;

    public SnapshotMetrics(MeterRegistry registry) {
        this.duration = Timer.builder("slotstream.publish.snapshot.duration")
                .description("Time from a cut's start until its changes are published").register(registry);
        this.refreshDuration = Timer.builder("slotstream.publish.snapshot.refresh.duration")
                .description("Time to rewrite a cut's stale groups due for a refresh, after its changes are published")
                .register(registry);
        this.bytes = DistributionSummary.builder("slotstream.publish.snapshot.bytes").baseUnit("bytes")
                .description("Bytes a cut stored (rewritten files only)").register(registry);
        this.groups = DistributionSummary.builder("slotstream.publish.snapshot.groups")
                .description("Groups a cut wrote (whole or their change files only)").register(registry);
        this.wholeGroups = DistributionSummary.builder("slotstream.publish.snapshot.full.groups")
                .description("Groups whose full files a cut rewrote").register(registry);
        this.deltaBytes = DistributionSummary.builder("slotstream.publish.snapshot.delta.bytes").baseUnit("bytes")
                .description("Bytes of a cut's delta files (what a client polling every cut downloads)").register(registry);
        this.cuts = Counter.builder("slotstream.publish.snapshot.cuts").description("Cuts published").register(registry);
        this.diskFull = failures(registry, "disk-full");
        this.otherFailures = failures(registry, "other");
        for (ResourceType type : ResourceType.values()) {
            AtomicLong value = new AtomicLong();
            resources.put(type, value);
            Gauge.builder("slotstream.publish.snapshot.resources", value, AtomicLong::get).tag("type", type.fhirType())
                    .description("Resources in the current publication").register(registry);
        }
        Gauge.builder("slotstream.publish.snapshot.files", files, AtomicLong::get)
                .description("Files the full manifest lists").register(registry);
        Gauge.builder("slotstream.publish.snapshot.transaction.time", transactionTime, AtomicLong::get)
                .baseUnit("seconds").description("transactionTime of the current publication").register(registry);
    }

    private static Counter failures(MeterRegistry registry, String reason) {
        return Counter.builder("slotstream.publish.snapshot.failures").tag("reason", reason)
                .description("Cuts that failed (the previous publication stays served)").register(registry);
    }

    void failed(boolean full) {
        (full ? diskFull : otherFailures).increment();
    }

    void cut(Duration took, int groupsWritten, int groupsRewrittenWhole, long bytesStored, CutDelta delta) {
        duration.record(took);
        if (delta.complete()) {
            deltaBytes.record(delta.bytes());
        }
        bytes.record(bytesStored);
        groups.record(groupsWritten);
        wholeGroups.record(groupsRewrittenWhole);
        cuts.increment();
    }

    void refreshed(Duration took) {
        refreshDuration.record(took);
    }

    void published(Publication publication) {
        Map<ResourceType, Long> perType = new EnumMap<>(ResourceType.class);
        publication.groups().forEach(g -> perType.merge(g.type(), g.lines(), Long::sum));
        resources.forEach((type, value) -> value.set(perType.getOrDefault(type, 0L)));
        files.set(publication.files().size());
        transactionTime.set(publication.transactionTime() / 1000);
    }
}
