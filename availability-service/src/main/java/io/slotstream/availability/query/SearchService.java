package io.slotstream.availability.query;

import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.SlotAvailability;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
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
 * every instance that owns partitions of the store (streams metadata) is asked for its first {@code offset + count}
 * sorted matches and its match count, in parallel, itself locally and the others over {@code /internal/...}; the
 * answers are merged. A single slot is read from the instance owning its key. Global stores (Location,
 * PractitionerRole, HealthcareService) are complete on every instance and are read locally.
 */
@Service
public class SearchService {

    /** Internal parameter: how many sorted matches a partition owner returns. */
    public static final String LIMIT_PARAM = "_limit";

    private static final AvroBinarySerde<SlotAvailability> SLOTS = new AvroBinarySerde<>(SlotAvailability.class);
    private static final AvroBinarySerde<FhirSchedule> SCHEDULES = new AvroBinarySerde<>(FhirSchedule.class);

    private final ViewStores stores;
    private final PeerClient peers;
    private final ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor();

    public SearchService(ViewStores stores, PeerClient peers) {
        this.stores = stores;
        this.peers = peers;
    }

    /** @return the matches of a Slot search (params already contain only Slot parameters; validated here) */
    public Partial<SlotAvailability> slots(Map<String, String[]> params, Paging paging) {
        SlotQuery query = SlotQuery.parse(withoutControl(params));
        return fanOut(StoreNames.SLOT_VIEW, "/internal/Slot", params, paging.limit(),
                () -> localSlots(query, paging.limit()), SLOTS, query.order(), SlotAvailability::getSlotId);
    }

    /** Local part of a Slot search, for {@code /internal/Slot}. */
    public Partial<SlotAvailability> localSlots(SlotQuery query, int limit) {
        ReadOnlyKeyValueStore<String, SlotAvailability> view = stores.local(StoreNames.SLOT_VIEW);
        ReadOnlyKeyValueStore<Bytes, byte[]> index = stores.local(StoreNames.SLOT_BY_SCHEDULE);
        return LocalSlotSearch.search(query, view, index, limit);
    }

    /** @return the published slot, read on the instance that owns it; empty when there is none */
    public Optional<SlotAvailability> slot(String id) {
        HostInfo owner = stores.ownerOf(StoreNames.SLOT_VIEW, id);
        if (owner.equals(stores.self())) {
            return localSlot(id);
        }
        Partial<SlotAvailability> p = RecordListCodec.decode(peers.get(owner, "/internal/Slot/" + id, Map.of()), SLOTS);
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

    /** Local part of a Schedule search, for {@code /internal/Schedule}. */
    public Partial<FhirSchedule> localSchedules(java.util.function.Predicate<FhirSchedule> filter, int limit) {
        return ReferenceQueries.scan(stores.local(StoreNames.SCHEDULES), filter, FhirSchedule::getId, limit);
    }

    public Partial<FhirLocation> locations(Map<String, String[]> params, Paging paging) {
        return ReferenceQueries.scan(stores.local(StoreNames.LOCATIONS),
                ReferenceQueries.location(withoutControl(params)), FhirLocation::getId, paging.limit());
    }

    public Partial<FhirPractitionerRole> practitionerRoles(Map<String, String[]> params, Paging paging) {
        return ReferenceQueries.scan(stores.local(StoreNames.PRACTITIONER_ROLES),
                ReferenceQueries.practitionerRole(withoutControl(params)), FhirPractitionerRole::getId, paging.limit());
    }

    public Partial<FhirHealthcareService> healthcareServices(Map<String, String[]> params, Paging paging) {
        return ReferenceQueries.scan(stores.local(StoreNames.HEALTHCARE_SERVICES),
                ReferenceQueries.healthcareService(withoutControl(params)), FhirHealthcareService::getId, paging.limit());
    }

    private <T extends SpecificRecord> Partial<T> fanOut(String store, String path, Map<String, String[]> params,
                                                          int limit, Supplier<Partial<T>> local,
                                                          AvroBinarySerde<T> serde, Comparator<T> order,
                                                          Function<T, String> id) {
        Map<String, String[]> forward = new LinkedHashMap<>(withoutControl(params));
        forward.put(LIMIT_PARAM, new String[]{Integer.toString(limit)});
        List<Future<Partial<T>>> calls = new ArrayList<>();
        for (HostInfo owner : stores.owners(store)) {
            calls.add(owner.equals(stores.self()) ? fanOut.submit(local::get)
                    : fanOut.submit(() -> RecordListCodec.decode(peers.get(owner, path, forward), serde)));
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

    /** @return the parameters without result controls (_count, _offset, _limit) */
    public static Map<String, String[]> withoutControl(Map<String, String[]> params) {
        Map<String, String[]> out = new LinkedHashMap<>(params);
        SearchParams.CONTROL.forEach(out::remove);
        out.remove(LIMIT_PARAM);
        return out;
    }
}
