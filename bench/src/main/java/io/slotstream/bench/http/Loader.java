package io.slotstream.bench.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.Provider;
import io.slotstream.bench.generator.ResourceJson;
import io.slotstream.bench.generator.Site;
import io.slotstream.bench.generator.TransactionBundles;

import java.util.ArrayList;
import java.util.List;

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

    /** Loads every Slot, sequentially; @return slots loaded */
    public long loadSlots(HealthSystem system, String sourceId) {
        List<io.slotstream.bench.generator.GeneratedSlot> batch = new ArrayList<>(BUNDLE_SIZE);
        long[] n = {0};
        system.forEachSlot(slot -> {
            batch.add(slot);
            if (batch.size() == BUNDLE_SIZE) {
                flush(batch, sourceId);
                n[0] += BUNDLE_SIZE;
            }
        });
        n[0] += batch.size();
        if (!batch.isEmpty()) {
            flush(batch, sourceId);
        }
        return n[0];
    }

    private void flush(List<io.slotstream.bench.generator.GeneratedSlot> batch, String sourceId) {
        HttpCall.expect2xx(http.postBundle(ingestBase, sourceId, TransactionBundles.slots(batch)),
                "ingest-service (" + ingestBase + "/fhir)");
        batch.clear();
    }
}
