package io.slotstream.availability.query;

import io.slotstream.availability.index.PostingKey;
import io.slotstream.availability.index.PostingScan;
import io.slotstream.availability.index.SearchTerms;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.mapping.SlotStatusCodes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a {@link SlotQuery} over this instance's partitions of the view through the search index, never a scan of the
 * view. It picks one parameter to drive the scan (the most selective kind present: schedule, schedule.actor, the
 * slot's Locations, service-type, specialty, status, else every slot), range-scans the posting lists of that
 * parameter's comma-separated values over the start interval in result order ({@link PostingScan}), reads each
 * candidate from the view and checks every condition on it. It stops after {@code limit} matches unless an exact
 * total is asked for, so a first page costs about its own size whatever the number of matches.
 */
public final class IndexedSlotSearch {

    /** Above this many Locations, the Location condition filters instead of driving (a merge of that many lists). */
    static final int MAX_LOCATION_DRIVERS = 512;

    /**
     * The stores of one search: per local partition, the published view ({@code slot-view}) and its postings,
     * in the same partition order; and the global Location store.
     */
    public record Stores(List<ReadOnlyKeyValueStore<String, SlotAvailability>> views,
                         List<ReadOnlyKeyValueStore<Bytes, byte[]>> postings,
                         ReadOnlyKeyValueStore<String, FhirLocation> locations) {
    }

    private IndexedSlotSearch() {
    }

    /**
     * @param limit how many sorted matches after the cursor to return
     * @return the matches; total is exact when {@code accurateTotal}, or when there is no cursor and the scan ran out
     * before the limit, else -1 (unknown)
     */
    public static Partial<SlotAvailability> search(SlotQuery query, Cursor cursor, boolean accurateTotal,
                                                   Stores stores, int limit) {
        DateRange range = query.start();
        if (range.fromMs() >= range.toMs()) {
            return new Partial<>(0, List.of());
        }
        Set<String> locationIds = query.location() == null ? Set.of() : locationIds(query, stores.locations());
        if (query.location() != null && locationIds.isEmpty()) {
            return new Partial<>(0, List.of());
        }
        long from = range.fromMs();
        long to = range.toMs();
        byte[] after = null;
        if (cursor != null) {
            after = PostingKey.suffix(cursor.startMs(), cursor.slotId());
            if (!accurateTotal) { // start the scan at the cursor's start; equal starts are skipped by id below
                if (query.descending()) {
                    to = Math.min(to, cursor.startMs() == Long.MAX_VALUE ? to : cursor.startMs() + 1);
                } else {
                    from = Math.max(from, cursor.startMs());
                }
            }
            if (from >= to) {
                return new Partial<>(accurateTotal ? 0 : -1, List.of());
            }
        }
        List<String> terms = driver(query, locationIds);
        List<SlotAvailability> first = new ArrayList<>(Math.min(limit, 1024));
        int total = 0;
        boolean exhausted = true;
        try (PostingScan scan = new PostingScan(stores.postings(), terms, from, to, query.descending())) {
            byte[] position;
            while ((position = scan.next()) != null) {
                boolean pastCursor = after == null || (query.descending()
                        ? Arrays.compareUnsigned(position, after) < 0 : Arrays.compareUnsigned(position, after) > 0);
                if (!pastCursor && !accurateTotal) {
                    continue;
                }
                SlotAvailability a = stores.views().get(scan.partition()).get(PostingKey.slotIdOf(position));
                // the value must still be what the posting says (a concurrent change may have moved it)
                if (a == null || a.getStart().toEpochMilli() != PostingKey.startOf(position)
                        || !query.matches(a) || !query.matchesLocation(a, locationIds)) {
                    continue;
                }
                total++;
                if (pastCursor) {
                    if (first.size() < limit) {
                        first.add(a);
                    } else if (!accurateTotal) {
                        exhausted = false;
                        break;
                    }
                }
            }
        }
        boolean totalKnown = accurateTotal || (cursor == null && exhausted);
        return new Partial<>(totalKnown ? total : -1, first);
    }

    /** @return the terms whose posting lists hold every match: one parameter's values (a comma list unites them) */
    static List<String> driver(SlotQuery query, Set<String> locationIds) {
        if (!query.scheduleIds().isEmpty()) {
            return query.scheduleIds().get(0).stream().distinct().map(SearchTerms::schedule).toList();
        }
        if (!query.actors().isEmpty()) {
            return query.actors().get(0).stream().map(r -> SearchTerms.actor(r.id())).distinct().toList();
        }
        if (query.location() != null && locationIds.size() <= MAX_LOCATION_DRIVERS) {
            return locationIds.stream().sorted().map(SearchTerms::location).toList();
        }
        for (List<Token> group : query.serviceTypes()) {
            if (group.stream().allMatch(t -> t.code() != null)) {
                return group.stream().map(t -> SearchTerms.serviceType(t.code())).distinct().toList();
            }
        }
        for (List<Token> group : query.specialties()) {
            if (group.stream().allMatch(t -> t.code() != null)) {
                return group.stream().map(t -> SearchTerms.specialty(t.code())).distinct().toList();
            }
        }
        if (!query.statuses().isEmpty()) {
            return query.statuses().get(0).stream().distinct()
                    .map((SlotStatus s) -> SearchTerms.status(SlotStatusCodes.toCode(s))).toList();
        }
        return List.of(SearchTerms.ALL);
    }

    /** @return ids of the Locations (global store, complete on every instance) that satisfy the Location condition */
    static Set<String> locationIds(SlotQuery query, ReadOnlyKeyValueStore<String, FhirLocation> locations) {
        Set<String> ids = new HashSet<>();
        try (KeyValueIterator<String, FhirLocation> it = locations.all()) {
            while (it.hasNext()) {
                KeyValue<String, FhirLocation> kv = it.next();
                if (kv.value != null && query.location().test(kv.value)) {
                    ids.add(kv.key);
                }
            }
        }
        return ids;
    }
}
