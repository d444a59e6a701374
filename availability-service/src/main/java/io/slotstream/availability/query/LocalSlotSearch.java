package io.slotstream.availability.query;

import io.slotstream.availability.store.ScheduleIndex;
import io.slotstream.avro.SlotAvailability;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Runs a {@link SlotQuery} over this instance's partitions of the published view. With a schedule parameter it
 * range-scans the schedule index ({@code scheduleId, start}) for each schedule id of the first schedule group and
 * reads only the slots found there: the one-schedule-one-week query touches only its matches. Without one it scans
 * the whole local view.
 */
public final class LocalSlotSearch {

    private LocalSlotSearch() {
    }

    /**
     * @param view  slotId -> published slot (store slot-view)
     * @param index schedule index (store slot-by-schedule)
     * @param limit how many sorted matches to return (the total counts all)
     */
    public static Partial<SlotAvailability> search(SlotQuery query, ReadOnlyKeyValueStore<String, SlotAvailability> view,
                                                   ReadOnlyKeyValueStore<Bytes, byte[]> index, int limit) {
        Partial.Collector<SlotAvailability> out = new Partial.Collector<>(query.order(), limit);
        if (query.start().fromMs() >= query.start().toMs()) {
            return out.result();
        }
        if (!query.scheduleIds().isEmpty()) {
            Set<String> ids = new LinkedHashSet<>();
            for (String scheduleId : new LinkedHashSet<>(query.scheduleIds().get(0))) {
                try (KeyValueIterator<Bytes, byte[]> it = index.range(
                        ScheduleIndex.from(scheduleId, query.start().fromMs()),
                        ScheduleIndex.toExclusive(scheduleId, query.start().toMs()))) {
                    while (it.hasNext()) {
                        ids.add(ScheduleIndex.slotIdOf(it.next().key));
                    }
                }
            }
            for (String id : ids) {
                SlotAvailability a = view.get(id);
                if (a != null && query.matches(a)) {
                    out.add(a);
                }
            }
            return out.result();
        }
        try (KeyValueIterator<String, SlotAvailability> it = view.all()) {
            while (it.hasNext()) {
                KeyValue<String, SlotAvailability> kv = it.next();
                if (kv.value != null && query.matches(kv.value)) {
                    out.add(kv.value);
                }
            }
        }
        return out.result();
    }
}
