package io.slotstream.bench.query;

import io.slotstream.bench.booking.BookingClient;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.LatencyRecorder;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.Provider;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Services;
import io.slotstream.bench.http.SlotSearch;
import io.slotstream.schemas.identity.CanonicalId;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code query}: Slot search latency (p50/p99, ms, send to last body byte) and requests/s, {@code --clients}
 * concurrent clients (default 50) in closed loops for {@code --duration} seconds per run (default 20; 2 in smoke).
 * {@code --query} picks the search (issue 10's three discovery queries):
 * <ul>
 *   <li>{@code schedule} (default): one schedule over one week ({@code schedule=..&start=ge..&start=lt..&_count=1000})</li>
 *   <li>{@code cross}: free slots of every schedule over one week ({@code status=free&start=ge..&start=lt..&_count=100})</li>
 *   <li>{@code near}: free slots of a service type within 25 km of a random site over one week
 *       ({@code schedule.actor:Location.near=lat|lng|25|km&service-type=..&status=free&start=..&_count=100})</li>
 *   <li>{@code find}: ITI-115 {@code Appointment/$find} at booking-bridge ({@code --booking-url}, default
 *       http://127.0.0.1:8084) with {@code start}/{@code end} of a random week and {@code _count=100}: the proposals
 *       of every schedule (issue 11's "{@code $find} on the 1M-slot system")</li>
 * </ul>
 * Every request picks a random schedule (or site) and a random week of the horizon, so the service cannot answer
 * from a hot cache of a few keys. The
 * system of {@code --size} (use {@code medium}: the 1M-slot view of issue 7) is loaded once under source
 * {@code bench-q-<size>} if the query API does not have it yet (untimed).
 */
public final class QueryBenchmark implements Benchmark {

    /** FHIR instant with seconds and a numeric offset, e.g. 2026-03-02T00:00:00-05:00. */
    private static final java.time.format.DateTimeFormatter INSTANT =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    @Override
    public String name() {
        return "query";
    }

    @Override
    public String description() {
        return "Slot search (--query schedule|cross|near) or $find (--query find) over one week, p50/p99 and req/s (needs the stack)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        int clients = options.integer("clients", 50);
        String kind = options.string("query", "schedule");
        if (!List.of("schedule", "cross", "near", "find").contains(kind)) {
            throw new BenchException("--query must be schedule, cross, near or find, was " + kind, null);
        }
        double duration = options.number("duration", options.smoke() ? 2 : 20);
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        String source = options.string("source", "bench-q-" + options.size().name());
        HttpCall http = new HttpCall();
        BookingClient booking = new BookingClient(http, options.string("booking-url", "http://127.0.0.1:8084"));
        boolean loaded = LoadedSystem.ensure(http, services.ingest(), services.availability(), system, source,
                options.number("load-timeout", 1800));
        report.info("query", kind);
        report.info("clients", clients);
        report.info("duration_s", duration);
        report.info("source", source);
        report.info("slots_in_view_for_source", system.countSlots());
        report.info("loaded_now", loaded);
        for (int i = 0; i < options.warmup() + options.runs(); i++) {
            LatencyRecorder latencies = new LatencyRecorder();
            AtomicLong bytes = new AtomicLong();
            AtomicLong slotsReturned = new AtomicLong();
            long t0 = System.nanoTime();
            long end = t0 + (long) (duration * 1e9);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    SplittableRandom rnd = new SplittableRandom(options.seed() * 31 + i * 1000L + c);
                    futures.add(pool.submit(() -> {
                        boolean checked = false;
                        while (System.nanoTime() < end) {
                            HttpCall.Response r;
                            if (kind.equals("find")) {
                                LocalDate from = randomMonday(system, rnd);
                                r = HttpCall.expect2xx(booking.find(from.toString(), from.plusWeeks(1).toString(), 100),
                                        "booking-bridge $find");
                            } else {
                                String url = switch (kind) {
                                    case "cross" -> crossSchedule(services.availability(), system, rnd);
                                    case "near" -> nearServiceType(services.availability(), system, rnd);
                                    default -> randomWeek(services.availability(), system, source, rnd);
                                };
                                r = HttpCall.expect2xx(http.get(url), "availability-service (" + url + ")");
                            }
                            latencies.recordNanos(r.nanos());
                            bytes.addAndGet(r.body().length);
                            if (!checked) { // parse one answer per client and run: Slots (or proposed Appointments)
                                slotsReturned.addAndGet(kind.equals("find") ? booking.appointments(r)
                                        : SlotSearch.statuses(r.body()).size());
                                checked = true;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw e.getCause() instanceof RuntimeException re ? re : new BenchException(e.getCause().toString(), e.getCause());
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (i >= options.warmup()) {
                report.addLatencies("latency", latencies.toArray());
                report.addRun("throughput", "requests/s", latencies.count() / seconds);
                report.addRun("response_bytes_mean", "bytes", (double) bytes.get() / Math.max(1, latencies.count()));
            }
            System.err.printf("query run %d%s: %d requests in %.1f s; sampled answers held %d slots%n", i,
                    i >= options.warmup() ? "" : " (warm-up)", latencies.count(), seconds, slotsReturned.get());
        }
    }

    /** A search URL for a random schedule and a random Monday-to-Monday week of its horizon (local midnight). */
    static String randomWeek(String availability, HealthSystem system, String source, SplittableRandom rnd) {
        Provider p = system.providers().get(rnd.nextInt(system.providers().size()));
        int weeks = Math.max(1, system.days() / 7);
        LocalDate from = system.date(0).plusWeeks(rnd.nextInt(weeks));
        var zone = p.site().place().zone();
        String start = INSTANT.format(LocalDateTime.of(from, LocalTime.MIDNIGHT).atZone(zone));
        String end = INSTANT.format(LocalDateTime.of(from.plusWeeks(1), LocalTime.MIDNIGHT).atZone(zone));
        return SlotSearch.url(availability, CanonicalId.of(source, p.scheduleId()), start, end);
    }

    /** A random Monday of the horizon (the generator's first day is a Monday). */
    static LocalDate randomMonday(HealthSystem system, SplittableRandom rnd) {
        return system.date(0).plusWeeks(rnd.nextInt(Math.max(1, system.days() / 7)));
    }

    /** Free slots of every schedule in a random week (UTC midnight to midnight), first page of 100. */
    static String crossSchedule(String availability, HealthSystem system, SplittableRandom rnd) {
        LocalDate from = randomMonday(system, rnd);
        return availability + "/fhir/Slot?status=free&start=ge" + from + "&start=lt" + from.plusWeeks(1) + "&_count=100";
    }

    /** Free slots of a random provider's service type within 25 km of its site in a random week, first page of 100. */
    static String nearServiceType(String availability, HealthSystem system, SplittableRandom rnd) {
        Provider p = system.providers().get(rnd.nextInt(system.providers().size()));
        LocalDate from = system.date(0).plusWeeks(rnd.nextInt(Math.max(1, system.days() / 7)));
        String serviceType = p.specialty().primaryCare() ? "http://terminology.hl7.org/CodeSystem/service-type|124"
                : "http://snomed.info/sct|11429006";
        return availability + "/fhir/Slot?" + enc("schedule.actor:Location.near") + "="
                + enc(p.site().latitude() + "|" + p.site().longitude() + "|25|km") + "&service-type=" + enc(serviceType)
                + "&status=free&start=ge" + from + "&start=lt" + from.plusWeeks(1) + "&_count=100";
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
