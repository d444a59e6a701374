package io.slotstream.availability.index;

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
 * Keeps the search index in step with the published view: attached to the stream of {@link SlotChange}s (what goes
 * to slot.availability.v1, with the value it replaces), in the slot partitions. A value (re)indexes the slot under its
 * {@link SearchTerms} at its start; a tombstone removes it. The old keys are computed from the value published
 * before, so only keys that change are written (a change of status touches two posting entries) and nothing is read.
 * Independent of how the view computes the value. The store is not cached: nothing is forwarded, and a range scan
 * over a record cache copies the cached keys of the range on every query.
 * <p>
 * The terms are a function of the published value: a release that changes {@link SearchTerms} must rebuild the index
 * (reset the application), since slots that do not change would keep their old terms either way.
 */
public final class SearchIndexProcessor implements Processor<String, SlotChange, Void, Void> {

    private static final byte[] EMPTY = new byte[0];

    private KeyValueStore<Bytes, byte[]> postings;

    /** @return the supplier, with its store, to attach with {@code KStream#process} */
    public static ProcessorSupplier<String, SlotChange, Void, Void> supplier() {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SlotChange, Void, Void> get() {
                return new SearchIndexProcessor();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IndexStores.POSTINGS),
                        Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
            }
        };
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        postings = context.getStateStore(IndexStores.POSTINGS);
    }

    @Override
    public void process(Record<String, SlotChange> record) {
        String slotId = record.key();
        if (slotId == null || record.value() == null) {
            return;
        }
        IndexedEntry old = IndexedEntry.of(record.value().before());
        IndexedEntry next = IndexedEntry.of(record.value().after());
        if (next == null) {
            if (old != null) {
                old.terms().forEach(t -> postings.delete(PostingKey.of(t, old.startMs(), slotId)));
            }
            return;
        }
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
    }
}
