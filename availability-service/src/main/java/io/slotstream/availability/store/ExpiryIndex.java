package io.slotstream.availability.store;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys of the time indexes: the decision point's hold-expiry and request-outcome indexes (time = the hold's expiry, the
 * outcome's end of retention) and the slot-end indexes (store {@link StoreNames#SLOT_END_INDEX}, time = Slot.end). 8-byte big-endian time
 * (UTC epoch ms, clamped to &ge; 0 so that byte order is time order) followed by the slot id in UTF-8. A range scan
 * from {@link #lowest()} to {@link #upTo(long)} yields exactly the entries due by then, oldest first.
 */
public final class ExpiryIndex {

    private ExpiryIndex() {
    }

    /** @return the index key of a hold on {@code slotId} lapsing at {@code expiresAtMs} */
    public static Bytes key(long expiresAtMs, String slotId) {
        byte[] id = slotId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(Math.max(0, expiresAtMs)).put(id).array());
    }

    /** @return the smallest possible key */
    public static Bytes lowest() {
        return Bytes.wrap(new byte[8]);
    }

    /**
     * @return an inclusive upper bound covering every key with expiry &le; nowMs: the bare 8-byte prefix of nowMs+1,
     * which sorts before every real key of nowMs+1 (those are longer)
     */
    public static Bytes upTo(long nowMs) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(Math.max(0, nowMs + 1)).array());
    }

    /** @return the expiry of an index key, UTC epoch ms */
    public static long expiryOf(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }

    /** @return the slot id of an index key */
    public static String slotIdOf(Bytes key) {
        byte[] k = key.get();
        return new String(k, 8, k.length - 8, StandardCharsets.UTF_8);
    }

    /**
     * @param index   an index store of these keys
     * @param upToMs  inclusive bound, UTC epoch ms
     * @param max     at most this many keys (bounded work per punctuation)
     * @return the keys due by {@code upToMs}, oldest first; collected before the caller modifies the store (which
     * must not change while its iterator is open)
     */
    public static List<Bytes> due(KeyValueStore<Bytes, byte[]> index, long upToMs, int max) {
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = index.range(lowest(), upTo(upToMs))) {
            while (it.hasNext() && due.size() < max) {
                due.add(it.next().key);
            }
        }
        return due;
    }
}
