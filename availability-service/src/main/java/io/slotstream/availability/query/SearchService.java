package io.slotstream.availability.query;

import io.slotstream.availability.index.IndexStores;
import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.availability.store.ReferenceCopyLocations;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.SlotAvailability;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers searches over the view, complete across instances. Partitioned stores (slot-view, schedules) are fanned out:
 * every instance that owns partitions of the store (streams metadata) is asked for its first sorted matches (after
 * the cursor for Slot, {@code offset + count} for Schedule) and its match count when known, in parallel, itself
 * locally and the others over {@code /internal/...}; the answers are merged. The Location, PractitionerRole and
 * HealthcareService tables are partitioned too (the stream threads consume those topics for the reference join) and
 * fan out the same way. A single slot is read from the instance owning its key.
 */
@Service
public class SearchService {

    /** Internal parameter: how many sorted matches a partition owner returns. */
    public static final String LIMIT_PARAM = "_limit";

    private static final AvroBinarySerde<SlotAvailability> SLOTS = new AvroBinarySerde<>(SlotAvailability.class);
    private static final AvroBinarySerde<FhirSchedule> SCHEDULES = new AvroBinarySerde<>(FhirSchedule.class);
    private static final AvroBinarySerde<FhirLocation> LOCATIONS = new AvroBinarySerde<>(FhirLocation.class);
    private static final AvroBinarySerde<FhirPractitionerRole> ROLES = new AvroBinarySerde<>(FhirPractitionerRole.class);
    private static final AvroBinarySerde<FhirHealthcareService> SERVICES =
            new AvroBinarySerde<>(FhirHealthcareService.class);

    private final ViewStores stores;
    private final PeerClient peers;
    private final ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor();

    public SearchService(ViewStores stores, PeerClient peers) {
        this.stores = stores;
        this.peers = peers;
    }

    /**
     * @return the first {@code page.limit()} matches of a Slot search after the page's cursor, merged from every
     * instance (params are validated here)
     */
    public Partial<SlotAvailability> slots(Map<String, String[]> params, SlotPage page) {
        SlotQuery query = SlotQuery.parse(withoutControl(params));
        return fanOut(IndexStores.POSTINGS, "/internal/Slot", params, page.limit(),
                () -> localSlots(query, page.cursor(), page.accurateTotal(), page.limit()), SLOTS, query.order(),
                SlotAvailability::getSlotId);
    }

    /** Local part of a Slot search, for {@code /internal/Slot}: this instance's partitions, through the index. */
    public Partial<SlotAvailability> localSlots(SlotQuery query, Cursor cursor, boolean accurateTotal, int limit) {
        IndexedSlotSearch.Stores local = new IndexedSlotSearch.Stores(stores.localPartitions(StoreNames.SLOT_VIEW),
                stores.localPartitions(IndexStores.POSTINGS), allLocations(query));
        if (local.views().size() != local.postings().size()) {
            throw new StoreUnavailableException("slot-view and the search index are not on the same partitions yet", null);
        }
        return IndexedSlotSearch.search(query, cursor, accurateTotal, local, limit);
    }

    /**
     * @return every Location, for the query's Location conditions (null when it has none): the Location table is
     * partitioned, but each partition of {@code reference-copy} holds all reference data (the reference broadcast)
     * @throws StoreUnavailableException when this instance holds no partition of it (yet)
     */
    private ReadOnlyKeyValueStore<String, FhirLocation> allLocations(SlotQuery query) {
        if (query.location() == null) {
            return null;
        }
        List<ReadOnlyKeyValueStore<String, SpecificRecord>> copies = stores.localPartitions(StoreNames.REFERENCE_COPY);
        if (copies.isEmpty()) {
            throw new StoreUnavailableException("no local copy of the reference data on this instance yet", null);
        }
        return new ReferenceCopyLocations(copies.get(0));
    }

    /** @return the published slot, read on the instance that owns it; empty when there is none */
    public Optional<SlotAvailability> slot(String id) {
        HostInfo owner = stores.ownerOf(StoreNames.SLOT_VIEW, id);
        if (owner.equals(stores.self())) {
            return localSlot(id);
        }
        Partial<SlotAvailability> p = RecordListCodec.decode(peers.get(owner, "/internal/Slot/" + id, Map.of(),
                PeerClient.callerAuthorization()), SLOTS);
        return p.first().stream().findFirst();
    }

    /** Local read of one slot, for {@code /internal/Slot/{id}}. */
    public Optional<SlotAvailability> localSlot(String id) {
        return Optional.ofNullable(stores.<String, SlotAvailability>local(StoreNames.SLOT_VIEW).get(id));
    }

    public Partial<FhirSchedule> schedules(Map<String, String[]> params, Paging paging) {
        var filter = ReferenceQueries.schedule(withoutControl(params));
        return fanOut(StoreNames.SCHEDULES, "/internal/Schedule", params, paging.limit(),
                () -> localSchedules(filter, paging.limit()), SCHEDULES, Comparator.comparing(FhirSchedule::getId),
                FhirSchedule::getId);
    }

    /** @return the Schedules with these ids (those that exist), from the instances that own them */
    public List<FhirSchedule> schedulesById(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> all = List.copyOf(ids);
        List<FhirSchedule> found = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 100) { // keeps each internal URL short
            List<String> chunk = all.subList(i, Math.min(all.size(), i + 100));
            found.addAll(schedules(Map.of("_id", new String[]{String.join(",", chunk)}), new Paging(chunk.size(), 0)).first());
        }
        return found;
    }

    /** Local part of a Schedule search, for {@code /internal/Schedule}. */
    public Partial<FhirSchedule> localSchedules(java.util.function.Predicate<FhirSchedule> filter, int limit) {
        return ReferenceQueries.scan(stores.local(StoreNames.SCHEDULES), filter, FhirSchedule::getId, limit);
    }

    public Partial<FhirLocation> locations(Map<String, String[]> params, Paging paging) {
        var filter = ReferenceQueries.location(withoutControl(params));
        return fanOut(StoreNames.LOCATIONS, "/internal/Location", params, paging.limit(),
                () -> localLocations(filter, paging.limit()), LOCATIONS, Comparator.comparing(FhirLocation::getId),
                FhirLocation::getId);
    }

    /** Local part of a Location search, for {@code /internal/Location}. */
    public Partial<FhirLocation> localLocations(java.util.function.Predicate<FhirLocation> filter, int limit) {
        return ReferenceQueries.scan(stores.local(StoreNames.LOCATIONS), filter, FhirLocation::getId, limit);
    }

    public Partial<FhirPractitionerRole> practitionerRoles(Map<String, String[]> params, Paging paging) {
        var filter = ReferenceQueries.practitionerRole(withoutControl(params));
        return fanOut(StoreNames.PRACTITIONER_ROLES, "/internal/PractitionerRole", params, paging.limit(),
                () -> localPractitionerRoles(filter, paging.limit()), ROLES,
                Comparator.comparing(FhirPractitionerRole::getId), FhirPractitionerRole::getId);
    }

    /** Local part of a PractitionerRole search, for {@code /internal/PractitionerRole}. */
    public Partial<FhirPractitionerRole> localPractitionerRoles(java.util.function.Predicate<FhirPractitionerRole> filter,
                                                                int limit) {
        return ReferenceQueries.scan(stores.local(StoreNames.PRACTITIONER_ROLES), filter, FhirPractitionerRole::getId,
                limit);
    }

    public Partial<FhirHealthcareService> healthcareServices(Map<String, String[]> params, Paging paging) {
        var filter = ReferenceQueries.healthcareService(withoutControl(params));
        return fanOut(StoreNames.HEALTHCARE_SERVICES, "/internal/HealthcareService", params, paging.limit(),
                () -> localHealthcareServices(filter, paging.limit()), SERVICES,
                Comparator.comparing(FhirHealthcareService::getId), FhirHealthcareService::getId);
    }

    /** Local part of a HealthcareService search, for {@code /internal/HealthcareService}. */
    public Partial<FhirHealthcareService> localHealthcareServices(
            java.util.function.Predicate<FhirHealthcareService> filter, int limit) {
        return ReferenceQueries.scan(stores.local(StoreNames.HEALTHCARE_SERVICES), filter, FhirHealthcareService::getId,
                limit);
    }

    private <T extends SpecificRecord> Partial<T> fanOut(String store, String path, Map<String, String[]> params,
                                                          int limit, Supplier<Partial<T>> local,
                                                          AvroBinarySerde<T> serde, Comparator<T> order,
                                                          Function<T, String> id) {
        Map<String, String[]> forward = new LinkedHashMap<>(withoutControl(params));
        forward.put(LIMIT_PARAM, new String[]{Integer.toString(limit)});
        String authorization = PeerClient.callerAuthorization(); // read here: the calls run on other threads
        List<Future<Partial<T>>> calls = new ArrayList<>();
        for (HostInfo owner : stores.owners(store)) {
            calls.add(owner.equals(stores.self()) ? fanOut.submit(local::get)
                    : fanOut.submit(() -> RecordListCodec.decode(peers.get(owner, path, forward, authorization), serde)));
        }
        List<Partial<T>> parts = new ArrayList<>();
        for (Future<Partial<T>> call : calls) {
            try {
                parts.add(call.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new CompletionException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted during fan-out", e);
            }
        }
        return Partial.merge(parts, order, limit, id);
    }

    /** @return the parameters without result controls (_count, _offset, _limit) and includes ({@link Includes}) */
    public static Map<String, String[]> withoutControl(Map<String, String[]> params) {
        Map<String, String[]> out = new LinkedHashMap<>(params);
        SearchParams.CONTROL.forEach(out::remove);
        Includes.PARAMS.forEach(out::remove);
        out.remove(LIMIT_PARAM);
        return out;
    }
}
