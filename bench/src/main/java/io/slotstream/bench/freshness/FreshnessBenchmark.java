package io.slotstream.bench.freshness;

import io.slotstream.avro.SlotAvailability;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Pacer;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.Change;
import io.slotstream.bench.generator.ChangeStream;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.TransactionBundles;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Loader;
import io.slotstream.bench.http.ReadFiles;
import io.slotstream.bench.http.Services;
import io.slotstream.bench.http.SincePoll;
import io.slotstream.bench.http.SlotSearch;
import io.slotstream.schemas.identity.CanonicalId;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code freshness}: how long a change accepted by ingest-service takes to become visible (a) in
 * {@code slot.availability.v1} (a consumer tailing the topic), (b) in the availability query API (Slot search for
 * its schedule and start, polled every {@code --query-interval-ms} (20) for every {@code --query-sample}-th change,
 * default 25, 0 for none (the probes are load on the view: measure the publication without them), by at most {@code --query-pollers} (4) pollers at once: a change sampled while all are busy is not
 * probed, so the probes' own load stays bounded when the view falls behind), and (c) in the
 * next {@code $bulk-publish?_since=} poll (a client polling back to back, at most every {@code --since-interval-ms},
 * default 500, so (c) includes up to one interval, downloading up to {@code --since-parallel} (8) of the listed files
 * at once and none that an earlier poll read: the files are immutable, and a client's HTTP cache keeps them; a change counts as seen when its whole poll is done, and {@code since_poll_duration} reports how long
 * the polls took). Changes are single-Slot bookings and cancellations (PUT in a
 * transaction Bundle) sent at a steady {@code --rate} (default 500/s) for {@code --duration} seconds (default 30;
 * 3 in smoke), paced on a fixed schedule, each sent asynchronously, at most {@code --max-in-flight} (64) at once
 * (when ingest falls behind, the schedule waits and {@code achieved_rate} drops below {@code --rate}). Latency is measured from the 2xx of ingest to
 * the first sighting with the new status (0 when the sighting beat the HTTP response). A change that only undid
 * changes of the same Slot no {@code _since} poll had shown may rightly never appear there (the publication shows
 * current state and saw only the net result); checked against the view and a fresh poll, it counts as
 * {@code coalesced_in_publication}, not as {@code not_seen_in_since_poll}. Setup (untimed): the system
 * of {@code --size} is loaded under a new source and the bench waits until its Slots are in the topic; with
 * {@code --source S} the system of {@code --size} already loaded under {@code S} is changed instead (e.g.
 * {@code bench-q-medium}, loaded once by {@code query --size medium}), so the 1M-slot system is not loaded twice.
 */
public final class FreshnessBenchmark implements Benchmark {

    @Override
    public String name() {
        return "freshness";
    }

    @Override
    public String description() {
        return "change accepted by ingest -> slot.availability.v1 / query API / next _since poll, p50/p99 at --rate (needs the stack)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        double rate = options.number("rate", 500);
        double duration = options.number("duration", options.smoke() ? 3 : 30);
        int querySample = options.integer("query-sample", 25);
        if (querySample < 0) {
            throw new BenchException("--query-sample must be 0 (no query probes) or a positive n (every n-th change), not "
                    + querySample);
        }
        QueryProbes queryProbes = new QueryProbes(options.integer("query-pollers", 4),
                options.integer("query-interval-ms", 20));
        long sinceIntervalMs = options.integer("since-interval-ms", 500);
        int sinceParallel = options.integer("since-parallel", 8);
        double graceSeconds = options.number("grace", options.smoke() ? 10 : 30);
        int maxInFlight = options.integer("max-in-flight", 64);
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        HttpCall http = new HttpCall();
        String reused = options.string("source", null);
        String source = reused != null ? reused : "bench-fresh-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        String prefix = source + ".";
        Map<String, Probe> probes = new ConcurrentHashMap<>();
        AtomicLong loadedSeen = new AtomicLong();
        report.info("rate_changes_per_s", rate);
        report.info("duration_s", duration);
        report.info("source", source);
        report.info("query_sample_every", querySample);
        report.info("query_pollers", queryProbes.pollers());
        report.info("query_interval_ms", queryProbes.intervalMs());
        report.info("since_interval_ms", sinceIntervalMs);
        report.info("since_parallel_files", sinceParallel);
        report.info("max_in_flight", maxInFlight);

        try (AvailabilityTopicWatcher watcher = new AvailabilityTopicWatcher(services.bootstrap(), services.registry(),
                (value, nanos) -> onTopic(value, nanos, prefix, probes, loadedSeen))) {
            if (reused == null) {
                Loader loader = new Loader(http, services.ingest());
                loader.loadReferences(system, source);
                long slots = loader.loadSlots(system, source);
                awaitLoaded(watcher, loadedSeen, slots, options.number("load-timeout", 300));
                report.info("slots_loaded", slots);
            } else {
                report.info("slots_of_reused_source", system.countSlots());
            }
            ChangeStream changes = new ChangeStream(system, options.seed(), ChangeStream.Mix.SINGLE_SLOT_PUTS);
            for (int i = 0; i < options.warmup() + options.runs(); i++) {
                probes.clear();
                RunStats stats = runOnce(services, http, source, changes, probes, rate, duration, querySample,
                        queryProbes, sinceIntervalMs, sinceParallel, graceSeconds, maxInFlight, watcher);
                if (i >= options.warmup()) {
                    report.addLatencies("to_topic", stats.topic());
                    report.addLatencies("to_query_api", stats.query());
                    report.addLatencies("to_since_poll", stats.since());
                    report.addLatencies("since_poll_duration", stats.sincePolls());
                    report.addLatencies("ingest_accept", stats.accept());
                    report.addRun("achieved_rate", "changes/s", stats.achievedRate());
                    report.addRun("not_seen_in_topic", "changes", stats.missingTopic());
                    report.addRun("not_seen_in_since_poll", "changes", stats.missingSince());
                    report.addRun("coalesced_in_publication", "changes", stats.coalescedSince());
                    report.addRun("not_seen_in_query_api", "changes", stats.missingQuery());
                }
                System.err.printf(Locale.ROOT, "freshness run %d%s: %d changes at %.0f/s%n", i,
                        i >= options.warmup() ? "" : " (warm-up)", stats.sent(), stats.achievedRate());
            }
        }
    }

    private static void onTopic(SlotAvailability value, long nanos, String prefix, Map<String, Probe> probes, AtomicLong loadedSeen) {
        String id = value.getSlotId();
        if (!id.startsWith(prefix)) {
            return;
        }
        loadedSeen.incrementAndGet();
        Probe p = probes.get(id);
        if (p != null && value.getSourceStatus().name().toLowerCase(Locale.ROOT).equals(p.expectedStatus())) {
            p.seen(Probe.Where.TOPIC, nanos);
        }
    }

    private static void awaitLoaded(AvailabilityTopicWatcher watcher, AtomicLong seen, long expected, double timeoutSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (seen.get() < expected) {
            watcher.check();
            if (System.nanoTime() > deadline) {
                throw new BenchException("availability-service published " + seen.get() + " of the " + expected
                        + " loaded Slots to slot.availability.v1 within " + timeoutSeconds + " s");
            }
            Thread.sleep(50);
        }
    }

    private record RunStats(long sent, double achievedRate, double[] accept, double[] topic, double[] query,
                            double[] since, double[] sincePolls, int missingTopic, int missingQuery,
                            int missingSince, int coalescedSince) {
    }

    private RunStats runOnce(Services services, HttpCall http, String source, ChangeStream changes,
                             Map<String, Probe> probes, double rate, double duration, int querySample,
                             QueryProbes queryProbes, long sinceIntervalMs, int sinceParallel, double graceSeconds,
                             int maxInFlight,
                             AvailabilityTopicWatcher watcher) throws Exception {
        List<Probe> all = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // the publication's S now, not the wall clock: S is a record time, behind the wall clock by the pipeline's lag,
        // and a T after S is answered with the full publication (1M slots: 557 MB for the first poll)
        String firstSince = SincePoll.currentTransactionTime(http, services.publish());
        List<Double> pollMillis = Collections.synchronizedList(new ArrayList<>());
        ReadFiles readFiles = new ReadFiles(100_000);
        Thread sincePoller = Thread.ofPlatform().name("bench-since-poller").daemon().start(() -> {
            String since = firstSince;
            try {
                while (polling.get()) {
                    long t0 = System.nanoTime();
                    SincePoll poll = SincePoll.poll(http, services.publish(), since, sinceParallel, readFiles, r -> {
                        if ("Slot".equals(r.path("resourceType").asText())) {
                            Probe p = probes.get(r.path("id").asText());
                            // also before ingest's 2xx arrived (then 0 ms): a file read now is never read again
                            if (p != null && p.expectedStatus().equals(r.path("status").asText())) {
                                p.seen(Probe.Where.SINCE, -1); // stamped below, when the poll is complete
                            }
                        }
                    });
                    long now = System.nanoTime();
                    pollMillis.add(poll.millis());
                    for (Probe p : probes.values()) {
                        if (p.sinceNanos == -1) {
                            p.sinceNanos = now;
                        }
                    }
                    if (poll.transactionTime() != null) {
                        since = poll.transactionTime();
                    }
                    long sleep = sinceIntervalMs - (now - t0) / 1_000_000;
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
        // a client's connection pool: unbounded concurrency only opens ever more connections once ingest slows down
        Semaphore inFlight = new Semaphore(maxInFlight);
        Pacer pacer = new Pacer(rate);
        long start = System.nanoTime();
        long end = start + (long) (duration * 1e9);
        long sent = 0;
        try {
            while (System.nanoTime() < end && failure.get() == null) {
                long due = pacer.awaitNext();
                Change change = changes.next();
                var slot = change.entries().get(0).slot();
                String id = CanonicalId.of(source, slot.id());
                boolean queryProbe = querySample > 0 && sent % querySample == 0 && queryProbes.tryStart();
                Probe previous = probes.get(id);
                Probe probe = new Probe(id, CanonicalId.of(source, slot.scheduleId()), slot, queryProbe, due,
                        statusBefore(change), previous);
                probes.put(id, probe);
                if (previous != null) {
                    previous.superseded = true;
                }
                all.add(probe);
                byte[] bundle = TransactionBundles.change(change);
                sent++;
                inFlight.acquire();
                senders.submit(() -> {
                    try {
                        try {
                            HttpCall.expect2xx(http.postBundle(services.ingest(), source, bundle), "ingest-service");
                        } finally {
                            inFlight.release();
                        }
                        probe.acceptedNanos = System.nanoTime();
                        if (probe.queryProbe) {
                            pollQuery(http, services.availability(), probe, graceSeconds, queryProbes.intervalMs());
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        if (probe.queryProbe) {
                            queryProbes.finish();
                        }
                    }
                });
            }
            double achieved = sent / ((System.nanoTime() - start) / 1e9);
            long graceEnd = System.nanoTime() + (long) (graceSeconds * 1e9);
            while (System.nanoTime() < graceEnd && failure.get() == null
                    && !all.stream().allMatch(p -> p.superseded || p.done())) {
                watcher.check();
                Thread.sleep(50);
            }
            polling.set(false);
            sincePoller.join(30_000);
            if (failure.get() != null) {
                Throwable t = failure.get();
                throw t instanceof BenchException b ? b : new BenchException("freshness run failed: " + t, t);
            }
            List<Probe> counted = all.stream().filter(p -> !p.superseded && p.acceptedNanos != 0).toList();
            int coalesced = coalescedInPublication(http, services, firstSince, counted);
            return new RunStats(sent, achieved,
                    counted.stream().mapToDouble(p -> (p.acceptedNanos - p.sentNanos) / 1e6).toArray(),
                    latencies(counted, Probe.Where.TOPIC), latencies(counted, Probe.Where.QUERY),
                    latencies(counted, Probe.Where.SINCE),
                    pollMillis.stream().mapToDouble(Double::doubleValue).toArray(),
                    (int) counted.stream().filter(p -> p.topicNanos == 0).count(),
                    (int) counted.stream().filter(p -> p.queryProbe && p.queryNanos == 0).count(),
                    (int) counted.stream().filter(p -> p.sinceNanos <= 0).count() - coalesced, coalesced);
        } finally {
            polling.set(false);
            senders.shutdownNow();
        }
    }

    /**
     * Sorts the changes no {@code _since} poll showed into coalesced and missing, and names up to ten missing ones.
     * <p>
     * Coalesced: the change only undid changes of the same Slot that no poll showed ({@link
     * Probe#undoesUnpublishedChanges}), the view's Slot search shows its status, and a fresh {@code _since} poll from
     * the run's start (every listed file downloaded) shows that status or does not list the Slot. The publication then
     * rightly never changed: it publishes current state, and the publication store keeps the last version of a
     * resource within one consumed batch and takes a version equal to the published one as no change. Anything else
     * is missing, and is printed with what the Slot search and the fresh poll show.
     *
     * @return how many were coalesced
     */
    private static int coalescedInPublication(HttpCall http, Services services, String firstSince, List<Probe> counted) {
        List<Probe> notSeen = counted.stream().filter(p -> p.sinceNanos <= 0).toList();
        if (notSeen.isEmpty()) {
            return 0;
        }
        Map<String, Set<String>> published = new ConcurrentHashMap<>();
        notSeen.forEach(p -> published.put(p.canonicalId, ConcurrentHashMap.newKeySet()));
        SincePoll fresh = SincePoll.poll(http, services.publish(), firstSince, 8, null, r -> {
            Set<String> statuses = published.get(r.path("id").asText());
            if (statuses != null && "Slot".equals(r.path("resourceType").asText())) {
                statuses.add(r.path("status").asText());
            }
        });
        long now = System.nanoTime();
        int coalesced = 0;
        int named = 0;
        for (Probe p : notSeen) {
            HttpCall.Response r = http.get(SlotSearch.url(services.availability(), p.canonicalScheduleId, p.slot.start(), p.slot.end()));
            String searched = r.status() == 200 ? String.valueOf(SlotSearch.statuses(r.body()).get(p.canonicalId))
                    : "HTTP " + r.status();
            Set<String> inFresh = published.get(p.canonicalId);
            boolean publishedAsExpected = inFresh.isEmpty() || inFresh.equals(Set.of(p.expectedStatus()));
            if (p.undoesUnpublishedChanges() && p.expectedStatus().equals(searched) && publishedAsExpected) {
                coalesced++;
            } else if (named++ < 10) {
                System.err.printf(Locale.ROOT, "not seen in _since: Slot/%s status %s, accepted %.1f s ago; topic %s; "
                                + "Slot search: %s; _since=%s now (S %s, %d files): %s%n",
                        p.canonicalId, p.expectedStatus(), (now - p.acceptedNanos) / 1e9,
                        p.topicNanos > 0 ? String.format(Locale.ROOT, "+%.0f ms", (p.topicNanos - p.acceptedNanos) / 1e6) : "not seen",
                        searched, firstSince, fresh.transactionTime(), fresh.files(),
                        inFresh.isEmpty() ? "not listed" : String.join(",", inFresh));
            }
        }
        return coalesced;
    }

    /** The Slot's status before a booking or a cancellation; null for other changes. */
    private static String statusBefore(Change change) {
        return switch (change.kind()) {
            case BOOKING -> "free";
            case CANCELLATION -> "busy";
            default -> null;
        };
    }

    /** @return ms from ingest's 2xx to the first sighting in {@code where}, for the probes seen there (>= 0) */
    private static double[] latencies(List<Probe> probes, Probe.Where where) {
        List<Double> out = new ArrayList<>();
        for (Probe p : probes) {
            long seen = switch (where) {
                case TOPIC -> p.topicNanos;
                case QUERY -> p.queryProbe ? p.queryNanos : 0;
                case SINCE -> p.sinceNanos;
            };
            if (seen > 0) {
                out.add(Math.max(0, (seen - p.acceptedNanos) / 1e6));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Polls the Slot search for the probe's schedule and start window every intervalMs until it shows the new status. */
    private static void pollQuery(HttpCall http, String availability, Probe probe, double timeoutSeconds,
                                  long intervalMs) throws InterruptedException {
        String url = SlotSearch.url(availability, probe.canonicalScheduleId, probe.slot.start(), probe.slot.end());
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (System.nanoTime() < deadline && !probe.superseded) {
            HttpCall.Response r = http.get(url);
            if (r.status() == 200 && probe.expectedStatus().equals(SlotSearch.statuses(r.body()).get(probe.canonicalId))) {
                probe.seen(Probe.Where.QUERY, System.nanoTime());
                return;
            }
            Thread.sleep(intervalMs);
        }
    }

    /** At most {@code pollers} query probes at once (a semaphore), each polling every {@code intervalMs}. */
    private record QueryProbes(int pollers, long intervalMs, Semaphore slots) {

        QueryProbes(int pollers, long intervalMs) {
            this(pollers, intervalMs, new Semaphore(pollers));
        }

        /** @return whether a poller was free (then {@link #finish} must follow) */
        boolean tryStart() {
            return slots.tryAcquire();
        }

        void finish() {
            slots.release();
        }
    }
}
