package io.slotstream.availability.store;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys of a reverse index owner -> dependents: the owner key (UTF-8), a 0x00 separator (keys never contain it), the
 * dependent's id (UTF-8). A range scan over one owner yields its dependents without touching any other entry. Used
 * for reference -> schedules ({@link StoreNames#SCHEDULE_DEPENDENTS}, owner a {@link ReferenceKey}), Location ->
 * roles and services ({@link StoreNames#REFERENCE_EMISSION_DEPENDENTS}) and Schedule -> slots
 * ({@link StoreNames#SLOTS_BY_SCHEDULE}).
 */
public final class DependentsIndex {

    private DependentsIndex() {
    }

    /** @return the entry saying that {@code dependent} depends on {@code owner} */
    public static Bytes key(String owner, String dependent) {
        byte[] ref = owner.getBytes(StandardCharsets.UTF_8);
        byte[] id = dependent.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(ref.length + 1 + id.length).put(ref).put((byte) 0).put(id).array());
    }

    /** @return the smallest key of {@code referenceKey} */
    public static Bytes from(String referenceKey) {
        return bound(referenceKey, (byte) 0);
    }

    /** @return a bound above every key of {@code referenceKey} and below any other reference's keys */
    public static Bytes to(String referenceKey) {
        return bound(referenceKey, (byte) 1);
    }

    /**
     * @return the dependents of {@code referenceKey} in the index (one range scan), collected first so the caller may
     * modify the index while it handles them
     */
    public static List<String> dependentsOf(KeyValueStore<Bytes, byte[]> index, String referenceKey) {
        List<String> dependents = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = index.range(from(referenceKey), to(referenceKey))) {
            it.forEachRemaining(kv -> dependents.add(dependentOf(kv.key)));
        }
        return dependents;
    }

    /** @return the dependent's id of an index key */
    public static String dependentOf(Bytes key) {
        byte[] k = key.get();
        int sep = 0;
        while (k[sep] != 0) {
            sep++;
        }
        return new String(k, sep + 1, k.length - sep - 1, StandardCharsets.UTF_8);
    }

    private static Bytes bound(String referenceKey, byte last) {
        byte[] ref = referenceKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(ref.length + 1).put(ref).put(last).array());
    }
}
