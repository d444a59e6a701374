package io.slotstream.bench.query;

import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.Provider;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Loader;
import io.slotstream.bench.http.SlotSearch;
import io.slotstream.schemas.identity.CanonicalId;

import java.util.List;

/**
 * A generated system loaded into the stack under a fixed source id ({@code bench-q-<size>}), shared by the
 * {@code query} and {@code view-build} benchmarks: loaded once (untimed) when the query API does not know it yet,
 * reused afterwards, so a 1M-slot view is built only once.
 */
final class LoadedSystem {

    private LoadedSystem() {
    }

    /** Makes sure the system is loaded and visible in the query API; @return whether it loaded it now */
    static boolean ensure(HttpCall http, String ingest, String availability, HealthSystem system, String source,
                          double timeoutSeconds) throws InterruptedException {
        Provider last = system.providers().get(system.providers().size() - 1);
        if (visible(http, availability, system, source, last)) {
            return false;
        }
        System.err.printf("loading %d slots under source %s (once; later runs reuse it) ...%n", system.countSlots(), source);
        Loader loader = new Loader(http, ingest);
        loader.loadReferences(system, source);
        loader.loadSlots(system, source);
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (!visible(http, availability, system, source, last)) {
            if (System.nanoTime() > deadline) {
                throw new BenchException("the loaded Slots of " + source + " are not visible in the query API after "
                        + timeoutSeconds + " s");
            }
            Thread.sleep(500);
        }
        return true;
    }

    /** @return whether the last day with slots of {@code provider} is fully visible in the Slot search */
    static boolean visible(HttpCall http, String availability, HealthSystem system, String source, Provider provider) {
        for (int day = system.days() - 1; day >= 0; day--) {
            List<GeneratedSlot> slots = system.slotsOn(provider, day);
            if (!slots.isEmpty()) {
                HttpCall.Response r = http.get(SlotSearch.url(availability, CanonicalId.of(source, provider.scheduleId()),
                        slots.get(0).start(), slots.get(slots.size() - 1).end()));
                return r.status() == 200 && SlotSearch.statuses(r.body()).size() >= slots.size();
            }
        }
        return true;
    }
}
