package io.slotstream.availability.store;

import io.slotstream.avro.FhirLocation;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The Locations of one {@link StoreNames#REFERENCE_COPY} partition as a store keyed by Location id. Every partition
 * of that store holds all reference data (the reference broadcast), so any one local partition answers for every
 * Location, on any instance: the complete Location set a Slot search's Location conditions resolve against.
 */
public final class ReferenceCopyLocations implements ReadOnlyKeyValueStore<String, FhirLocation> {

    private static final String PREFIX = ReferenceKey.of(ReferenceKey.LOCATION, "");
    /** Sorts after every {@code Location/...} key and before any other type's ('0' follows '/'). */
    private static final String END = ReferenceKey.LOCATION + "0";

    private final ReadOnlyKeyValueStore<String, SpecificRecord> copy;

    /** @param copy one partition of {@link StoreNames#REFERENCE_COPY} */
    public ReferenceCopyLocations(ReadOnlyKeyValueStore<String, SpecificRecord> copy) {
        this.copy = copy;
    }

    @Override
    public FhirLocation get(String id) {
        return copy.get(PREFIX + id) instanceof FhirLocation location ? location : null;
    }

    @Override
    public KeyValueIterator<String, FhirLocation> range(String from, String to) {
        return locations(copy.range(from == null ? PREFIX : PREFIX + from, to == null ? END : PREFIX + to));
    }

    @Override
    public KeyValueIterator<String, FhirLocation> all() {
        return locations(copy.range(PREFIX, END));
    }

    @Override
    public long approximateNumEntries() {
        return copy.approximateNumEntries();
    }

    private static KeyValueIterator<String, FhirLocation> locations(KeyValueIterator<String, SpecificRecord> it) {
        return new KeyValueIterator<>() {
            @Override
            public void close() {
                it.close();
            }

            @Override
            public String peekNextKey() {
                return it.peekNextKey().substring(PREFIX.length());
            }

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<String, FhirLocation> next() {
                KeyValue<String, SpecificRecord> kv = it.next();
                return KeyValue.pair(kv.key.substring(PREFIX.length()), (FhirLocation) kv.value);
            }
        };
    }
}
