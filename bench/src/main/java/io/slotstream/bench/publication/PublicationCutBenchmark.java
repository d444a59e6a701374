package io.slotstream.bench.publication;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.publish.ndjson.ResourceRenderer;
import io.slotstream.publish.snapshot.Publication;
import io.slotstream.publish.snapshot.SnapshotMetrics;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import io.slotstream.publish.storage.FileSystemStorage;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.StoreCut;
import io.slotstream.publish.store.StoreView;
import io.slotstream.publish.store.TimedChange;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code publication-cut}: publish-service's publication core in this JVM (no stack): {@code --slots N} Slots
 * (default 10M with {@code --size large}, 1M medium, 200k small, 20k smoke) spread over {@code --states} states and
 * {@code --weeks} ISO weeks, rendered by publish-service's renderer and applied to its RocksDB store, then: (1) the
 * full publication (first cut: every group written): time (s), bytes, heap peak during the cut (MiB), and its ratio to
 * the disk's sequential write floor measured with {@code dd} ({@code oflag=direct conv=fdatasync}, {@code --dd-mib},
 * default 1024) in the same directory; (2) {@code --changes} (default 50) cuts of one changed slot each (its status
 * flips), with the {@code --full-refresh-interval}: time (ms) and bytes stored; (3) the {@code _since} answer for
 * the previous transactionTime plus its manifest (ms);
 * (4) scattered changes (issue 12: 500 changes/s at a 5 s cadence): {@code --scattered-cuts} (default 12) cuts of
 * {@code --scattered} (default 2,500) random slots each, their change times spread over 5 s per cut, measured twice on
 * the same store: with a zero full refresh interval (every changed group rewritten whole, as before change-file-only
 * cuts) and with {@code --full-refresh-interval} (s, default 60): cut time (ms), bytes stored and groups rewritten
 * whole per cut, the cut at rest that rewrites every stale group, and (change-file mode) the time to scan every group
 * of the store without writing (what such a cut still reads);
 * (5) disk used by the store and the files (bytes), with the replaced group files still in their grace period.
 * Files go under {@code --dir} (default a new temp directory), deleted afterwards unless {@code --keep true}.
 */
public final class PublicationCutBenchmark implements Benchmark {

    private static final long MONDAY = Instant.parse("2026-11-02T14:00:00Z").toEpochMilli();
    private static final String[] STATES = {"MA", "CT", "RI", "NH", "VT", "ME", "NY", "NJ", "PA", "DE", "MD", "VA",
            "NC", "SC", "GA", "FL", "OH", "MI", "IN", "IL", "WI", "MN", "IA", "MO", "KS", "NE", "SD", "ND", "MT", "WY"};

    @Override
    public String name() {
        return "publication-cut";
    }

    @Override
    public String description() {
        return "publish-service's publication core in-process: full publication, one-changed-slot cut, _since, disk";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        int slots = options.integer("slots", options.smoke() ? 20_000 : switch (options.size().name()) {
            case "large" -> 10_000_000;
            case "medium" -> 1_000_000;
            default -> 200_000;
        });
        int states = Math.min(STATES.length, options.integer("states", 20));
        int weeks = options.integer("weeks", 13);
        int changes = options.integer("changes", options.smoke() ? 5 : 50);
        Scattered scattered = new Scattered(options.integer("scattered", options.smoke() ? 200 : 2_500),
                options.integer("scattered-cuts", options.smoke() ? 3 : 12),
                Duration.ofSeconds(options.integer("full-refresh-interval", 60)));
        Path root = Path.of(options.string("dir", Files.createTempDirectory("publication-cut").toString()));
        report.info("slots", slots);
        report.info("groups", states * weeks);
        report.info("dir", root.toString());
        report.info("dd_write_mib_per_s", ddWriteMibPerSecond(root, options.integer("dd-mib", options.smoke() ? 64 : 1024)));
        for (int run = 0; run < options.warmup() + options.runs(); run++) {
            Path dir = root.resolve("run-" + run);
            try {
                measure(dir, slots, states, weeks, changes, scattered, options.seed() + run,
                        run >= options.warmup() ? report : null);
            } finally {
                if (!Boolean.parseBoolean(options.string("keep", "false"))) {
                    deleteTree(dir);
                }
            }
        }
    }

    /**
     * @param changes             changed slots per cut
     * @param cuts                cuts per mode
     * @param fullRefreshInterval the publisher's full refresh interval in the second mode
     */
    private record Scattered(int changes, int cuts, Duration fullRefreshInterval) {
    }

    private static SnapshotPublisher publisher(PublicationStore store, Path dir, Duration fullRefreshInterval,
                                               SimpleMeterRegistry meters) throws IOException {
        return new SnapshotPublisher(store, new FileSystemStorage(dir.resolve("files")), dir.resolve("tmp"), 16L << 20,
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                Duration.ofHours(24), Duration.ofSeconds(5), fullRefreshInterval, Duration.ofMinutes(5),
                Clock.systemUTC(), new SnapshotMetrics(meters));
    }

    private static void measure(Path dir, int slots, int states, int weeks, int changes, Scattered scattered, long seed,
                                Report report) throws IOException {
        ResourceRenderer renderer = new ResourceRenderer(FhirContext.forR4Cached(), new PatientTypeDefault("newpt", "New patients"));
        Random random = new Random(seed);
        long time = MONDAY - 86_400_000L;
        BitSet busy = new BitSet(slots); // each change flips a slot's status: no change is a no-op
        try (PublicationStore store = PublicationStore.open(dir.resolve("store"), "bench")) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (SnapshotPublisher publisher = publisher(store, dir, scattered.fullRefreshInterval(), meters)) {
                long started = System.nanoTime();
                long lineBytes = 0;
                List<TimedChange> batch = new ArrayList<>(5000);
                for (int i = 0; i < slots; i++) {
                    TimedChange change = new TimedChange(renderer.renderSlot("slot-" + i,
                            slot("slot-" + i, i, states, weeks, SlotStatus.FREE)), ++time);
                    lineBytes += change.change().line().length;
                    batch.add(change);
                    if (batch.size() == 5000) {
                        store.apply(batch, Map.of());
                        batch.clear();
                    }
                }
                store.apply(batch, Map.of());
                double loadSeconds = (System.nanoTime() - started) / 1e9;

                resetHeapPeaks();
                started = System.nanoTime();
                Publication full = publisher.cut();
                double fullSeconds = (System.nanoTime() - started) / 1e9;
                double heapPeakMib = heapPeakBytes() / 1048576.0;
                long fullBytes = full.files().stream().mapToLong(f -> f.bytes()).sum();

                double[] cutMillis = new double[changes];
                double[] sinceMillis = new double[changes];
                double bytesPerCut = 0;
                ManifestWriter manifests = new ManifestWriter();
                // one unmeasured cut a minute later: the first cut after the load holds the load's last seconds in
                // its delta (changes within the overlap of the previous cut), which is not what one change costs
                time += 60_000;
                int first = random.nextInt(slots);
                busy.flip(first);
                store.apply(List.of(new TimedChange(renderer.renderSlot("slot-" + first, slot("slot-" + first, first,
                        states, weeks, busy.get(first) ? SlotStatus.BUSY : SlotStatus.FREE)), time)), Map.of());
                Publication previous = publisher.cut();
                time += 60_000;
                for (int c = 0; c < changes; c++) {
                    int i = random.nextInt(slots);
                    busy.flip(i);
                    SlotStatus status = busy.get(i) ? SlotStatus.BUSY : SlotStatus.FREE;
                    store.apply(List.of(new TimedChange(renderer.renderSlot("slot-" + i,
                            slot("slot-" + i, i, states, weeks, status)), ++time)), Map.of());
                    long before = previous.files().stream().mapToLong(f -> f.bytes()).sum();
                    double bytesBefore = total(meters, "slotstream.publish.snapshot.bytes");
                    long t0 = System.nanoTime();
                    Publication next = publisher.cut();
                    cutMillis[c] = (System.nanoTime() - t0) / 1e6;
                    long t1 = System.nanoTime();
                    byte[] manifest = manifests.incremental(next, next.since(previous.transactionTime(), 5000).orElseThrow(),
                            "https://p", "https://p/data");
                    sinceMillis[c] = (System.nanoTime() - t1) / 1e6;
                    bytesPerCut += total(meters, "slotstream.publish.snapshot.bytes") - bytesBefore;
                    if (manifest.length == 0 || before <= 0) {
                        throw new BenchException("empty publication");
                    }
                    previous = next;
                }
                if (report != null) {
                    report.addRun("load_time", "s", loadSeconds);
                    report.addRun("line_bytes_mean", "bytes", (double) lineBytes / slots);
                    report.addRun("full_publication_time", "s", fullSeconds);
                    report.addRun("full_publication_bytes", "bytes", fullBytes);
                    report.addRun("full_publication_files", "files", full.files().size());
                    report.addRun("full_publication_throughput", "MiB/s", fullBytes / 1048576.0 / fullSeconds);
                    report.addRun("full_publication_heap_peak", "MiB", heapPeakMib);
                    report.addLatencies("one_slot_cut", cutMillis);
                    report.addRun("one_slot_cut_bytes_mean", "bytes", bytesPerCut / Math.max(1, changes));
                    report.addLatencies("since_answer", sinceMillis);
                }
            }
            scatteredCuts(store, dir, renderer, random, busy, slots, states, weeks, scattered, time, report);
        }
        // Measured once the store is closed: a running compaction deletes files under a directory walk.
        if (report != null) {
            report.addRun("disk_store", "bytes", size(dir.resolve("store")));
            report.addRun("disk_files", "bytes", size(dir.resolve("files")));
        }
    }

    /** Phase (4): the scattered changes, first with a zero full refresh interval, then with the configured one. */
    private static void scatteredCuts(PublicationStore store, Path dir, ResourceRenderer renderer, Random random,
                                      BitSet busy, int slots, int states, int weeks, Scattered scattered, long time,
                                      Report report) throws IOException {
        long step = Math.max(1, 5_000L / scattered.changes());
        for (Duration interval : List.of(Duration.ZERO, scattered.fullRefreshInterval())) {
            String mode = interval.isZero() ? "scattered_rewrite_" : "scattered_tiers_";
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (SnapshotPublisher publisher = publisher(store, dir, interval, meters)) {
                while (publisher.cutIfChanged().isPresent()) {
                    // at rest (a share of the stale groups per quiet cut): no group is stale when the mode starts
                }
                double[] cutMillis = new double[scattered.cuts()];
                double[] bytes = new double[scattered.cuts()];
                double[] whole = new double[scattered.cuts()];
                double[] scanMillis = new double[scattered.cuts()];
                for (int c = 0; c < scattered.cuts(); c++) {
                    List<TimedChange> batch = new ArrayList<>(scattered.changes());
                    for (int n = 0; n < scattered.changes(); n++) {
                        int i = random.nextInt(slots);
                        busy.flip(i);
                        batch.add(new TimedChange(renderer.renderSlot("slot-" + i, slot("slot-" + i, i, states, weeks,
                                busy.get(i) ? SlotStatus.BUSY : SlotStatus.FREE)), time += step));
                    }
                    store.apply(batch, Map.of());
                    double bytesBefore = total(meters, "slotstream.publish.snapshot.bytes");
                    double wholeBefore = total(meters, "slotstream.publish.snapshot.full.groups");
                    long started = System.nanoTime();
                    publisher.cut();
                    cutMillis[c] = (System.nanoTime() - started) / 1e6;
                    bytes[c] = total(meters, "slotstream.publish.snapshot.bytes") - bytesBefore;
                    whole[c] = total(meters, "slotstream.publish.snapshot.full.groups") - wholeBefore;
                    scanMillis[c] = scanEveryGroupMillis(store, publisher.current().orElseThrow());
                }
                double bytesBefore = total(meters, "slotstream.publish.snapshot.bytes");
                // the quiet cuts until every stale group is rewritten
                long started = System.nanoTime();
                while (publisher.cutIfChanged().isPresent()) {
                    // each rewrites the oldest stale groups, up to a twelfth of all groups
                }
                double atRestMillis = (System.nanoTime() - started) / 1e6;
                if (report != null) {
                    report.addLatencies(mode + "cut", cutMillis);
                    report.addLatencies(mode + "scan_every_group", scanMillis);
                    report.addRun(mode + "cut_bytes_mean", "bytes", Arrays.stream(bytes).average().orElse(0));
                    report.addRun(mode + "cut_full_groups_mean", "groups", Arrays.stream(whole).average().orElse(0));
                    report.addRun(mode + "at_rest_cut_time", "ms", atRestMillis);
                    report.addRun(mode + "at_rest_cut_bytes", "bytes",
                            total(meters, "slotstream.publish.snapshot.bytes") - bytesBefore);
                }
            }
        }
    }

    /**
     * @return ms to read every group of the publication from a store snapshot without writing anything: what a cut
     * that writes only change files still spends when every group is dirty (caches warm: it runs right after a cut)
     */
    private static double scanEveryGroupMillis(PublicationStore store, Publication publication) {
        StoreCut probe = store.cut(Duration.ofHours(24)); // nothing is dirty right after a cut: no group is taken
        try (StoreView view = probe.view()) {
            long[] lines = {0};
            long started = System.nanoTime();
            for (var group : publication.groups()) {
                view.members(group.key(), (time, value, offset) -> lines[0]++);
            }
            double millis = (System.nanoTime() - started) / 1e6;
            if (lines[0] == 0) {
                throw new BenchException("the scan read nothing");
            }
            return millis;
        } finally {
            store.abandon(probe);
        }
    }

    private static double total(SimpleMeterRegistry meters, String summary) {
        var found = meters.find(summary).summary();
        return found == null ? 0 : found.totalAmount();
    }

    private static SlotAvailability slot(String id, int i, int states, int weeks, SlotStatus status) {
        String state = STATES[i % states];
        long start = MONDAY + (long) ((i / states) % weeks) * 7 * 86_400_000L + (long) ((i / (states * weeks)) % 400) * 900_000L;
        Instant from = Instant.ofEpochMilli(start);
        Instant to = Instant.ofEpochMilli(start + 900_000L);
        String schedule = "sch-" + (i % 5000);
        Provenance provenance = Provenance.newBuilder().setSource("bench").setSourceResourceId(id)
                .setEventTime(from).setIngestTime(from).build();
        FhirSlot source = FhirSlot.newBuilder().setId(id).setProvenance(provenance)
                .setSchedule(Reference.newBuilder().setReference("Schedule/" + schedule).build())
                .setStatus(SlotStatus.FREE).setStart(from).setStartOffsetSeconds(-5 * 3600)
                .setEnd(to).setEndOffsetSeconds(-5 * 3600).build();
        return SlotAvailability.newBuilder().setSlotId(id).setSourceStatus(SlotStatus.FREE).setEffectiveStatus(status)
                .setStart(from).setEnd(to).setStartOffsetSeconds(-5 * 3600).setEndOffsetSeconds(-5 * 3600)
                .setScheduleId(schedule).setStates(List.of(state)).setSlot(source).setProvenance(provenance)
                .setBookingDeepLink("https://portal.example.org/book?slot=" + id).setUpdatedAt(from).build();
    }

    /** @return MiB/s of {@code dd if=/dev/zero bs=1M oflag=direct conv=fdatasync} into the directory */
    static double ddWriteMibPerSecond(Path dir, int mib) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path target = dir.resolve("dd.tmp");
        try {
            Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + target, "bs=1M", "count=" + mib,
                    "oflag=direct", "conv=fdatasync").redirectErrorStream(true).start();
            String output = new String(dd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (dd.waitFor() != 0) {
                throw new BenchException("dd failed: " + output.trim());
            }
            Matcher seconds = Pattern.compile("copied, ([0-9.]+) s").matcher(output);
            if (!seconds.find()) {
                throw new BenchException("cannot read dd's time: " + output.trim());
            }
            return mib / Double.parseDouble(seconds.group(1));
        } finally {
            Files.deleteIfExists(target);
        }
    }

    private static void resetHeapPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
