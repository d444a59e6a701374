package io.slotstream.availability.index;

import io.slotstream.avro.SlotAvailability;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Set;

/**
 * Keeps the search index in step with the published view: attached to the stream of published SlotAvailability
 * values (what goes to slot.availability.v1), in the slot partitions. A value (re)indexes the slot under its
 * {@link SearchTerms} at its start; a tombstone removes it. Only keys that change are written, so a change of status
 * touches two posting entries. Independent of how the view computes the value. The stores are not cached: nothing
 * is forwarded, and a range scan over a record cache copies the cached keys of the range on every query.
 */
public final class SearchIndexProcessor implements Processor<String, SlotAvailability, Void, Void> {

    private static final byte[] EMPTY = new byte[0];

    private KeyValueStore<Bytes, byte[]> postings;
    private KeyValueStore<String, byte[]> entries;

    /** @return the supplier, with its two stores, to attach with {@code KStream#process} */
    public static ProcessorSupplier<String, SlotAvailability, Void, Void> supplier() {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SlotAvailability, Void, Void> get() {
                return new SearchIndexProcessor();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IndexStores.POSTINGS),
                                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled(),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IndexStores.ENTRIES),
                                Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
            }
        };
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        postings = context.getStateStore(IndexStores.POSTINGS);
        entries = context.getStateStore(IndexStores.ENTRIES);
    }

    @Override
    public void process(Record<String, SlotAvailability> record) {
        String slotId = record.key();
        if (slotId == null) {
            return;
        }
        byte[] stored = entries.get(slotId);
        IndexedEntry old = stored == null ? null : IndexedEntry.fromBytes(stored);
        SlotAvailability value = record.value();
        if (value == null) {
            if (old != null) {
                old.terms().forEach(t -> postings.delete(PostingKey.of(t, old.startMs(), slotId)));
                entries.delete(slotId);
            }
            return;
        }
        IndexedEntry next = new IndexedEntry(value.getStart().toEpochMilli(), SearchTerms.of(value));
        if (next.equals(old)) {
            return;
        }
        boolean moved = old != null && old.startMs() != next.startMs();
        if (old != null) {
            for (String term : old.terms()) {
                if (moved || !next.terms().contains(term)) {
                    postings.delete(PostingKey.of(term, old.startMs(), slotId));
                }
            }
        }
        for (String term : next.terms()) {
            if (old == null || moved || !old.terms().contains(term)) {
                postings.put(PostingKey.of(term, next.startMs(), slotId), EMPTY);
            }
        }
        entries.put(slotId, next.toBytes());
    }
}
