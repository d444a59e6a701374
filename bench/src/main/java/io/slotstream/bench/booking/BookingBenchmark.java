package io.slotstream.bench.booking;

import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.LatencyRecorder;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.SystemSize;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Loader;
import io.slotstream.bench.http.Services;
import io.slotstream.schemas.identity.CanonicalId;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code booking}: IHE ITI Scheduling through booking-bridge to availability-service's decision point and back (issue
 * 11 deliverable 6). Per run, {@code --clients} (50) concurrent clients on distinct slots each do, released together:
 * {@code $hold} of a {@code $find} proposal (ITI-116; the {@code $find} is untimed) and {@code $book} of that hold
 * (ITI-117), each timed from the request to its outcome (the HTTP answer that carries the decision). Then the
 * contention case: {@code --contention-clients} (100) clients {@code $book} one slot at once; exactly one must win.
 * Reports p50/p99 of {@code hold}, {@code book} and {@code contention_book}, and {@code bookings_per_s} (hold + book
 * flows completed per second of the concurrent phase). Setup (untimed): a one-site system under a new source is
 * loaded through ingest-service, and the bench waits until the decision point accepts a booking on each Schedule.
 * Needs the stack with security off ({@code ./slotstream run --no-sample-data --security off}). Options:
 * {@code --booking-url} (http://127.0.0.1:8084), {@code --practitioners} (10), {@code --timeout} seconds (120).
 */
public final class BookingBenchmark implements Benchmark {

    @Override
    public String name() {
        return "booking";
    }

    @Override
    public String description() {
        return "$hold -> outcome and $book -> outcome p50/p99 at 50 clients on distinct slots; 100 clients on one slot (needs the stack, security off)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        String booking = options.string("booking-url", "http://127.0.0.1:8084");
        int clients = options.integer("clients", options.smoke() ? 5 : 50);
        int contenders = options.integer("contention-clients", options.smoke() ? 10 : 100);
        int practitioners = options.integer("practitioners", 10);
        double timeout = options.number("timeout", 120);
        int total = options.warmup() + options.runs();
        String source = "bench-bk-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        HttpCall http = new HttpCall();
        BookingClient client = new BookingClient(http, booking);
        HttpCall.expect2xx(http.get(booking + "/fhir/metadata"), "booking-bridge (" + booking + "/fhir)");

        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(
                new SystemSize("booking", 1, practitioners, 14), options.seed()));
        Map<String, List<GeneratedSlot>> freeBySchedule = new LinkedHashMap<>();
        system.forEachSlot(s -> {
            if ("free".equals(s.status())) {
                freeBySchedule.computeIfAbsent(s.scheduleId(), k -> new ArrayList<>()).add(s);
            }
        });
        List<GeneratedSlot> probes = new ArrayList<>();
        List<GeneratedSlot> pool = new ArrayList<>();
        for (List<GeneratedSlot> slots : freeBySchedule.values()) {
            probes.add(slots.get(slots.size() - 1));
            pool.addAll(slots.subList(0, slots.size() - 1));
        }
        int needed = total * (clients + 1);
        if (pool.size() < needed) {
            throw new BenchException("the generated system has " + pool.size() + " free slots, " + needed
                    + " are needed: raise --practitioners");
        }
        Collections.shuffle(pool, new Random(options.seed()));
        System.err.printf("loading %d slots under source %s ...%n", system.countSlots(), source);
        Loader loader = new Loader(http, services.ingest());
        loader.loadReferences(system, source);
        loader.loadSlots(system, source);
        for (GeneratedSlot probe : probes) {
            awaitBookable(client, CanonicalId.of(source, probe.id()), timeout);
        }
        report.info("source", source);
        report.info("clients", clients);
        report.info("contention_clients", contenders);
        report.info("booking_url", booking);
        report.runCounts(options.runs(), options.warmup());

        int next = 0;
        for (int run = 0; run < total; run++) {
            List<GeneratedSlot> mine = pool.subList(next, next + clients);
            GeneratedSlot contended = pool.get(next + clients);
            next += clients + 1;
            LatencyRecorder holds = new LatencyRecorder();
            LatencyRecorder books = new LatencyRecorder();
            double seconds = distinctSlots(client, source, mine, holds, books);
            LatencyRecorder contention = new LatencyRecorder();
            int winners = oneSlot(client, CanonicalId.of(source, contended.id()), contenders, contention);
            if (winners != 1) {
                throw new BenchException(contenders + " clients booking one slot gave " + winners
                        + " bookings (expected exactly 1)");
            }
            if (run >= options.warmup()) {
                report.addLatencies("hold", holds.toArray());
                report.addLatencies("book", books.toArray());
                report.addLatencies("contention_book", contention.toArray());
                report.addRun("bookings_per_s", "bookings/s", clients / seconds);
            }
        }
    }

    /** @return the seconds from the release of the clients to the last booking's outcome */
    private static double distinctSlots(BookingClient client, String source, List<GeneratedSlot> slots, LatencyRecorder holds,
                                        LatencyRecorder books) throws Exception {
        List<String> proposals = new ArrayList<>();
        for (GeneratedSlot slot : slots) { // untimed: $find of each slot's window
            proposals.add(client.proposal(CanonicalId.of(source, slot.id()), slot.start(), slot.end()));
        }
        CyclicBarrier start = new CyclicBarrier(slots.size() + 1);
        List<Callable<Void>> calls = new ArrayList<>();
        for (String proposal : proposals) {
            calls.add(() -> {
                start.await();
                long t0 = System.nanoTime();
                String held = client.expectAppointment(client.hold(proposal), "pending", "$hold of " + proposal);
                long t1 = System.nanoTime();
                client.expectAppointment(client.bookHeld(held), "booked", "$book of held Appointment/" + held);
                long t2 = System.nanoTime();
                holds.recordNanos(t1 - t0);
                books.recordNanos(t2 - t1);
                return null;
            });
        }
        return concurrently(calls, start);
    }

    /** @return how many of the concurrent $book calls on one slot were answered with a booked Appointment */
    private static int oneSlot(BookingClient client, String slotId, int contenders, LatencyRecorder latencies) throws Exception {
        CyclicBarrier start = new CyclicBarrier(contenders + 1);
        AtomicInteger booked = new AtomicInteger();
        List<Callable<Void>> calls = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            calls.add(() -> {
                start.await();
                HttpCall.Response r = client.bookSlot(slotId);
                latencies.recordNanos(r.nanos());
                if (client.isAppointment(r, "booked", "contended $book of Slot/" + slotId)) {
                    booked.incrementAndGet();
                }
                return null;
            });
        }
        concurrently(calls, start);
        return booked.get();
    }

    /** Runs the calls on one thread each, releases them together; @return seconds from release to the last end */
    private static double concurrently(List<Callable<Void>> calls, CyclicBarrier start) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(calls.size())) {
            List<Future<Void>> futures = calls.stream().map(pool::submit).toList();
            start.await();
            long t0 = System.nanoTime();
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof BenchException b) {
                        throw b;
                    }
                    throw e;
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Books and cancels a slot until the decision point knows it (it reads fhir.slot.v1 behind the Slot search). */
    private static void awaitBookable(BookingClient client, String slotId, double timeout) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeout * 1e9);
        while (true) {
            HttpCall.Response r = client.bookSlot(slotId);
            if (r.status() == 200 && client.isAppointment(r, "booked", "probe $book of Slot/" + slotId)) {
                client.cancel(client.appointmentId(r));
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException("Slot/" + slotId + " was not bookable within " + timeout + " s: HTTP "
                        + r.status() + " " + r.excerpt());
            }
            Thread.sleep(500);
        }
    }
}
