package io.slotstream.bench.freshness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.ResourceJson;
import io.slotstream.bench.generator.Site;
import io.slotstream.bench.generator.SystemSize;
import io.slotstream.bench.generator.TransactionBundles;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Loader;
import io.slotstream.bench.http.Services;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code location-change}: the cost of a reference-data change (issue 10): one Location whose schedules hold
 * {@code --slots} Slots (default 20,000; a generated one-site health system, {@code --practitioners} schedules,
 * default 20) changes only its {@code address.state}; measured from ingest's 2xx for that one Location to the moment
 * every one of its Slots has appeared on {@code slot.availability.v1} with the new state (a consumer tailing the
 * topic). Reports the time and slots re-emitted per second. Setup (untimed): the system is loaded under a new source
 * and the bench waits until all its Slots are on the topic. Each run flips the state between two values.
 * Options: {@code --timeout} seconds per run (default 120).
 */
public final class LocationChangeBenchmark implements Benchmark {

    private static final List<String> STATES = List.of("VT", "NH");

    @Override
    public String name() {
        return "location-change";
    }

    @Override
    public String description() {
        return "one Location change re-emitting all its slots (default 20,000) on slot.availability.v1, time and slots/s (needs the stack)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        int practitioners = options.integer("practitioners", 20);
        int wanted = options.integer("slots", options.smoke() ? 1_000 : 20_000);
        double timeout = options.number("timeout", 120);
        HealthSystem system = oneSite(practitioners, wanted, options.seed());
        Site site = system.sites().get(0);
        String source = "bench-loc-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        String prefix = source + ".";
        String locationId = prefix + site.id();
        Map<String, String> stateBySlot = new ConcurrentHashMap<>();
        HttpCall http = new HttpCall();
        try (AvailabilityTopicWatcher watcher = new AvailabilityTopicWatcher(services.bootstrap(), services.registry(),
                (value, nanos) -> onTopic(value, prefix, locationId, stateBySlot))) {
            Loader loader = new Loader(http, services.ingest());
            loader.loadReferences(system, source);
            long slots = loader.loadSlots(system, source);
            report.info("source", source);
            report.info("slots_of_location", slots);
            report.info("schedules", practitioners);
            awaitAll(watcher, stateBySlot, slots, site.state(), timeout, "the loaded slots");
            int total = options.warmup() + options.runs();
            report.runCounts(options.runs(), options.warmup());
            for (int i = 0; i < total; i++) {
                String state = STATES.get(i % 2).equals(site.state()) ? "ME" : STATES.get(i % 2);
                ObjectNode location = ResourceJson.location(site);
                ((ObjectNode) location.get("address")).put("state", state);
                HttpCall.expect2xx(http.postBundle(services.ingest(), source,
                        TransactionBundles.resources(List.of(location))), "ingest-service (" + services.ingest() + "/fhir)");
                long t0 = System.nanoTime();
                awaitAll(watcher, stateBySlot, slots, state, timeout, "the re-emitted slots");
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (i >= options.warmup()) {
                    report.addRun("all_slots_reemitted", "s", seconds);
                    report.addRun("slots_per_s", "slots/s", slots / seconds);
                }
            }
        }
    }

    /** A one-site system with about {@code wanted} slots (days chosen from the generator's slots per schedule-day). */
    private static HealthSystem oneSite(int practitioners, int wanted, long seed) {
        GeneratorConfig probe = GeneratorConfig.fromNextMonday(new SystemSize("location-change", 1, practitioners, 7), seed);
        long perWeek = Math.max(1, new HealthSystem(probe).countSlots());
        int days = (int) Math.max(1, Math.ceil(wanted * 7.0 / perWeek));
        return new HealthSystem(new GeneratorConfig(new SystemSize("location-change", 1, practitioners, days), seed,
                probe.startDate()));
    }

    private static void onTopic(SlotAvailability value, String prefix, String locationId, Map<String, String> stateBySlot) {
        if (value.getSlotId().startsWith(prefix) && value.getLocationIds().contains(locationId)) {
            stateBySlot.put(value.getSlotId(), value.getStates().isEmpty() ? "" : value.getStates().get(0));
        }
    }

    private static void awaitAll(AvailabilityTopicWatcher watcher, Map<String, String> stateBySlot, long slots,
                                 String state, double timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeout * 1e9);
        while (stateBySlot.size() < slots || stateBySlot.values().stream().anyMatch(s -> !s.equals(state))) {
            watcher.check();
            if (System.nanoTime() > deadline) {
                long done = stateBySlot.values().stream().filter(state::equals).count();
                throw new BenchException(what + ": only " + done + " of " + slots + " slots showed state " + state
                        + " within " + timeout + " s");
            }
            Thread.sleep(5);
        }
    }
}
