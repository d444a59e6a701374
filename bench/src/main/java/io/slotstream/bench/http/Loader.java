package io.slotstream.bench.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.Provider;
import io.slotstream.bench.generator.ResourceJson;
import io.slotstream.bench.generator.Site;
import io.slotstream.bench.generator.TransactionBundles;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads a generated health system into ingest-service as one source, in transaction Bundles of 100: reference
 * targets first (Locations, Practitioners, HealthcareServices, PractitionerRoles, Schedules), then optionally
 * every Slot. Used by benchmarks for their (untimed) setup.
 */
public final class Loader {

    /** Entries per transaction Bundle, as issue 7 prescribes for the ingest path. */
    public static final int BUNDLE_SIZE = 100;

    private final HttpCall http;
    private final String ingestBase;

    public Loader(HttpCall http, String ingestBase) {
        this.http = http;
        this.ingestBase = ingestBase;
    }

    /** Loads everything but the Slots; @return resources loaded */
    public int loadReferences(HealthSystem system, String sourceId) {
        List<ObjectNode> all = new ArrayList<>();
        for (Site s : system.sites()) {
            all.add(ResourceJson.location(s));
        }
        for (Provider p : system.providers()) {
            all.add(ResourceJson.practitioner(p));
        }
        for (Site s : system.sites()) {
            for (int k = 0; k < s.specialties().size(); k++) {
                all.add(ResourceJson.healthcareService(s, k));
            }
        }
        for (Provider p : system.providers()) {
            all.add(ResourceJson.practitionerRole(p));
        }
        for (Provider p : system.providers()) {
            all.add(ResourceJson.schedule(p, system));
        }
        for (int from = 0; from < all.size(); from += BUNDLE_SIZE) {
            byte[] bundle = TransactionBundles.resources(all.subList(from, Math.min(all.size(), from + BUNDLE_SIZE)));
            HttpCall.expect2xx(http.postBundle(ingestBase, sourceId, bundle), "ingest-service (" + ingestBase + "/fhir)");
        }
        return all.size();
    }

    /**
     * Loads every Slot, {@link #CONCURRENT_BUNDLES} transaction Bundles in flight (one client waiting for each
     * group-committed answer would make the setup of the 1M-slot system take half an hour); @return slots loaded
     *
     * @throws io.slotstream.bench.core.BenchException when a Bundle is refused
     */
    public long loadSlots(HealthSystem system, String sourceId) {
        List<io.slotstream.bench.generator.GeneratedSlot> batch = new ArrayList<>(BUNDLE_SIZE);
        long[] n = {0};
        Semaphore inFlight = new Semaphore(CONCURRENT_BUNDLES);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            system.forEachSlot(slot -> {
                batch.add(slot);
                if (batch.size() == BUNDLE_SIZE) {
                    send(pool, inFlight, failure, TransactionBundles.slots(batch), sourceId);
                    batch.clear();
                    n[0] += BUNDLE_SIZE;
                }
            });
            n[0] += batch.size();
            if (!batch.isEmpty()) {
                send(pool, inFlight, failure, TransactionBundles.slots(batch), sourceId);
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return n[0];
    }

    /** Transaction Bundles {@link #loadSlots} keeps in flight. */
    public static final int CONCURRENT_BUNDLES = 8;

    private void send(ExecutorService pool, Semaphore inFlight, AtomicReference<RuntimeException> failure,
                      byte[] bundle, String sourceId) {
        if (failure.get() != null) {
            throw failure.get();
        }
        inFlight.acquireUninterruptibly();
        pool.execute(() -> {
            try {
                HttpCall.expect2xx(http.postBundle(ingestBase, sourceId, bundle), "ingest-service (" + ingestBase + "/fhir)");
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            } finally {
                inFlight.release();
            }
        });
    }
}
