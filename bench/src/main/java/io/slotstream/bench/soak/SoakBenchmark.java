package io.slotstream.bench.soak;

import io.slotstream.avro.SlotAvailability;
import io.slotstream.bench.booking.BookingClient;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.LatencyRecorder;
import io.slotstream.bench.core.Pacer;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.core.Stats;
import io.slotstream.bench.freshness.AvailabilityTopicWatcher;
import io.slotstream.bench.generator.Change;
import io.slotstream.bench.generator.ChangeStream;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.TransactionBundles;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Loader;
import io.slotstream.bench.http.Services;
import io.slotstream.schemas.identity.CanonicalId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code soak} (issue 15 deliverable 5): the whole stack under a steady load for {@code --duration} seconds (3,600;
 * 30 in smoke): Slot changes through ingest-service at {@code --rate} (200/s, single-Slot PUTs in transaction
 * Bundles, as {@code freshness} sends them) plus {@code --booking-rate} (1/s) {@code $book}-then-cancel flows through
 * booking-bridge. Every {@code --sample-interval} seconds (60; 5 in smoke) it records, per service, heap used, RSS,
 * live threads and open files; the disk used under {@code --data-dir} (the launcher's, deploy/local/target/stack);
 * the total consumer lag of every group; and the p50/p99 of change-to-{@code slot.availability.v1} latency in the
 * interval. Each sample is one line on stderr and all of them are in the JSON line's {@code info.samples}. Headline
 * metrics: freshness over the whole run, and per service the growth of heap and RSS from the first to the last
 * sample (MB) — a leak shows as growth that does not level off. Needs the stack with security off
 * ({@code ./slotstream run --no-sample-data --security off}); {@code --booking-url} (http://127.0.0.1:8084).
 */
public final class SoakBenchmark implements Benchmark {

    /** Consecutive failed changes after which the soak stops: the intake is down, not slow. */
    private static final int MAX_FAILING_IN_A_ROW = 200;
    private static final List<String> MODULES = List.of("ingest-service", "availability-service", "publish-service",
            "booking-bridge");

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public String description() {
        return "whole stack at --rate changes/s plus bookings for --duration s: heap, RSS, threads, files, disk, lag, freshness over time (needs the stack)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        String booking = options.string("booking-url", "http://127.0.0.1:8084");
        double rate = options.number("rate", 200);
        double bookingRate = options.number("booking-rate", 1);
        double duration = options.number("duration", options.smoke() ? 30 : 3600);
        double interval = options.number("sample-interval", options.smoke() ? 5 : 60);
        Path dataDir = Path.of(options.string("data-dir", "deploy/local/target/stack"));
        HttpCall http = new HttpCall();
        for (String url : List.of(services.ingest() + "/fhir/metadata", booking + "/fhir/metadata")) {
            HttpCall.expect2xx(http.get(url), url); // the stack must be up before anything is loaded
        }
        String source = "bench-soak-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        String prefix = source + ".";
        Map<String, String> urls = Map.of("ingest-service", services.ingest(), "availability-service",
                services.availability(), "publish-service", services.publish(), "booking-bridge", booking);
        List<ServiceGauges> gauges = MODULES.stream().map(m -> ServiceGauges.find(m, urls.get(m))).toList();
        report.info("source", source);
        report.info("rate_changes_per_s", rate);
        report.info("booking_flows_per_s", bookingRate);
        report.info("duration_s", duration);
        report.info("sample_interval_s", interval);

        Map<String, Sighting> pending = new ConcurrentHashMap<>(); // slot id -> the newest change sent for it
        LatencyRecorder window = new LatencyRecorder();
        LatencyRecorder all = new LatencyRecorder();
        AtomicLong loadedSeen = new AtomicLong();
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        try (AvailabilityTopicWatcher watcher = new AvailabilityTopicWatcher(services.bootstrap(), services.registry(),
                (value, nanos) -> onTopic(value, nanos, prefix, pending, loadedSeen, window, all));
             ConsumerLag lag = new ConsumerLag(services.bootstrap())) {
            Loader loader = new Loader(http, services.ingest());
            loader.loadReferences(system, source);
            long slots = loader.loadSlots(system, source);
            long deadline = System.nanoTime() + (long) (options.number("load-timeout", 300) * 1e9);
            while (loadedSeen.get() < slots) {
                watcher.check();
                if (System.nanoTime() > deadline) {
                    throw new BenchException("slot.availability.v1 showed " + loadedSeen.get() + " of " + slots
                            + " loaded Slots in time");
                }
                Thread.sleep(100);
            }
            report.info("slots_loaded", slots);

            AtomicReference<Throwable> failure = new AtomicReference<>();
            BookingLoad bookings = new BookingLoad(new BookingClient(http, booking), bookable(system, source));
            ChangeStream changes = new ChangeStream(system, options.seed(), ChangeStream.Mix.SINGLE_SLOT_PUTS);
            List<Map<String, Object>> samples = new ArrayList<>();
            Map<String, ServiceGauges.Reading> first = new LinkedHashMap<>();
            Map<String, ServiceGauges.Reading> last = new LinkedHashMap<>();
            long start = System.nanoTime();
            long end = start + (long) (duration * 1e9);
            AtomicLong sent = new AtomicLong();
            // a failed change is a finding of the soak, not the end of it; only a service that stays down stops it
            AtomicLong failedChanges = new AtomicLong();
            AtomicLong failingInARow = new AtomicLong();
            AtomicReference<String> firstChangeFailure = new AtomicReference<>();
            // sampling (scrapes, a walk of the data dir, the lag of every group) takes seconds: off the sending thread
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    Map<String, Object> sample = sample((System.nanoTime() - start) / 1e9, gauges, http, dataDir, lag,
                            window, sent.get(), bookings, first, last);
                    synchronized (samples) {
                        samples.add(sample);
                    }
                    System.err.println("soak " + sample);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, 0, (long) (interval * 1000), TimeUnit.MILLISECONDS);
            Pacer pacer = new Pacer(rate);
            Pacer bookingPacer = new Pacer(bookingRate);
            Thread bookingThread = Thread.ofPlatform().name("soak-bookings").daemon().start(() -> {
                try {
                    while (System.nanoTime() < end && failure.get() == null) {
                        bookingPacer.awaitNext();
                        bookings.once();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                while (System.nanoTime() < end && failure.get() == null) {
                    watcher.check();
                    pacer.awaitNext();
                    Change change = changes.next();
                    var slot = change.entries().get(0).slot();
                    String id = CanonicalId.of(source, slot.id());
                    byte[] bundle = TransactionBundles.change(change);
                    Sighting sighting = new Sighting("free".equals(slot.status()));
                    pending.put(id, sighting); // a newer change of the slot replaces an unseen older one
                    sent.incrementAndGet();
                    senders.submit(() -> {
                        try {
                            HttpCall.expect2xx(http.postBundle(services.ingest(), source, bundle), "ingest-service");
                            failingInARow.set(0);
                            sighting.accepted(System.nanoTime(), window, all);
                        } catch (Exception e) {
                            failedChanges.incrementAndGet();
                            firstChangeFailure.compareAndSet(null, e.toString());
                            if (failingInARow.incrementAndGet() >= MAX_FAILING_IN_A_ROW) {
                                failure.compareAndSet(null, new BenchException(MAX_FAILING_IN_A_ROW
                                        + " changes in a row failed, the last: " + e, e));
                            }
                        }
                    });
                }
            }
            bookingThread.join(120_000);
            sampler.shutdown();
            sampler.awaitTermination(120, TimeUnit.SECONDS);
            if (failure.get() != null) {
                throw new BenchException("soak stopped after " + Math.round((System.nanoTime() - start) / 1e9)
                        + " s: " + failure.get(), failure.get());
            }
            samples.add(sample((System.nanoTime() - start) / 1e9, gauges, http, dataDir, lag, window, sent.get(), bookings,
                    first, last));
            report.info("samples", samples);
            report.runCounts(1, 0);
            report.addLatencies("to_topic", all.toArray());
            report.addRun("changes_sent", "changes", sent.get());
            report.addRun("changes_failed", "changes", failedChanges.get());
            if (firstChangeFailure.get() != null) {
                report.info("first_change_failure", firstChangeFailure.get());
            }
            report.addRun("bookings_booked", "bookings", bookings.booked.get());
            report.addRun("bookings_refused", "bookings", bookings.refused.get());
            for (String module : MODULES) {
                ServiceGauges.Reading a = first.get(module);
                ServiceGauges.Reading b = last.get(module);
                if (a != null && b != null) {
                    report.addRun(module + "_heap_growth", "MB", b.heapUsedMb() - a.heapUsedMb());
                    report.addRun(module + "_rss_growth", "MB", b.rssMb() - a.rssMb());
                    report.addRun(module + "_threads_growth", "threads", b.threads() - a.threads());
                    report.addRun(module + "_open_files_growth", "files", b.openFiles() - a.openFiles());
                }
            }
        }
    }

    private static void onTopic(SlotAvailability value, long nanos, String prefix, Map<String, Sighting> pending,
                                AtomicLong loadedSeen, LatencyRecorder window, LatencyRecorder all) {
        String id = value.getSlotId();
        if (!id.startsWith(prefix)) {
            return;
        }
        loadedSeen.incrementAndGet();
        Sighting s = pending.get(id);
        boolean free = "free".equals(value.getSourceStatus().name().toLowerCase(Locale.ROOT));
        if (s != null && s.expectFree == free && s.seen(nanos, window, all)) {
            pending.remove(id, s);
        }
    }

    /**
     * One change in flight: its latency is from ingest's 2xx to the first record on slot.availability.v1 with the
     * new status, 0 when that record came before the 2xx (as {@code freshness} counts it).
     */
    private static final class Sighting {
        final boolean expectFree;
        private long acceptedNanos;
        private long seenNanos;
        private boolean recorded;

        Sighting(boolean expectFree) {
            this.expectFree = expectFree;
        }

        synchronized void accepted(long nanos, LatencyRecorder window, LatencyRecorder all) {
            acceptedNanos = nanos;
            if (seenNanos != 0) {
                record(0, window, all);
            }
        }

        /** @return whether the latency is now recorded */
        synchronized boolean seen(long nanos, LatencyRecorder window, LatencyRecorder all) {
            if (seenNanos == 0) {
                seenNanos = nanos;
            }
            if (acceptedNanos != 0) {
                record(Math.max(0, seenNanos - acceptedNanos), window, all);
            }
            return recorded;
        }

        private void record(long latencyNanos, LatencyRecorder window, LatencyRecorder all) {
            if (!recorded) {
                recorded = true;
                window.recordNanos(latencyNanos);
                all.recordNanos(latencyNanos);
            }
        }
    }

    private static Map<String, Object> sample(double seconds, List<ServiceGauges> gauges, HttpCall http, Path dataDir,
                                              ConsumerLag lag, LatencyRecorder window, long sent, BookingLoad bookings,
                                              Map<String, ServiceGauges.Reading> first,
                                              Map<String, ServiceGauges.Reading> last) throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("t_s", Math.round(seconds));
        s.put("changes_sent", sent);
        s.put("bookings", bookings.booked.get());
        double[] latencies = window.drain();
        s.put("to_topic_p50_ms", latencies.length == 0 ? null : Math.round(Stats.percentile(latencies, 50)));
        s.put("to_topic_p99_ms", latencies.length == 0 ? null : Math.round(Stats.percentile(latencies, 99)));
        for (ServiceGauges g : gauges) {
            ServiceGauges.Reading r = g.read(http);
            first.putIfAbsent(g.module(), r);
            last.put(g.module(), r);
            s.put(g.module(), Map.of("heap_mb", Math.round(r.heapUsedMb()), "rss_mb", Math.round(r.rssMb()),
                    "threads", Math.round(r.threads()), "open_files", Math.round(r.openFiles()),
                    "rocksdb_cache_mb", Math.round(r.rocksDbCacheMb())));
        }
        s.put("disk_mb", Math.round(bytes(dataDir) / (1024.0 * 1024)));
        Map<String, Long> lags = lag.byGroup();
        s.put("lag_total", lags.values().stream().mapToLong(Long::longValue).sum());
        s.put("lag_max_group", lags.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> e.getKey() + "=" + e.getValue()).orElse(""));
        return s;
    }

    private static long bytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted while walking (segment roll, compaction)
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Canonical ids of the system's free Slots, the pool the booking flows draw from. */
    private static List<String> bookable(HealthSystem system, String source) {
        List<String> ids = new ArrayList<>();
        system.forEachSlot((GeneratedSlot s) -> {
            if ("free".equals(s.status())) {
                ids.add(CanonicalId.of(source, s.id()));
            }
        });
        return ids;
    }
}
