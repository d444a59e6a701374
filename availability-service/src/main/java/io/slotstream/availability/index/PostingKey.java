package io.slotstream.availability.index;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys of the search index (store {@link IndexStores#POSTINGS}): term (UTF-8, see {@link SearchTerms}), a 0x00
 * separator (terms and ids never contain it), the slot start as 8-byte big-endian UTC epoch ms offset by
 * {@link Long#MIN_VALUE} (so byte order is numeric order, negatives included), then the slot id (UTF-8). Within one
 * term the keys are in (start, slot id) order: a posting list per term, range-scanned over a start interval.
 */
public final class PostingKey {

    private static final int START_BYTES = 8;

    private PostingKey() {
    }

    /** @return the key of a slot starting at {@code startMs} under {@code term} */
    public static Bytes of(String term, long startMs, String slotId) {
        byte[] t = term.getBytes(StandardCharsets.UTF_8);
        byte[] id = slotId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(t.length + 1 + START_BYTES + id.length)
                .put(t).put((byte) 0).putLong(startMs ^ Long.MIN_VALUE).put(id).array());
    }

    /** @return the smallest key of the term with start &ge; fromMs */
    public static Bytes lowerBound(String term, long fromMs) {
        byte[] t = term.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(t.length + 1 + START_BYTES).put(t).put((byte) 0)
                .putLong(fromMs ^ Long.MIN_VALUE).array());
    }

    /**
     * @return an inclusive upper bound for starts &lt; toExclusiveMs: the bare prefix sorts before every real key
     * with that start; for {@link Long#MAX_VALUE}, term + 0x01, after every key of the term
     */
    public static Bytes upperBound(String term, long toExclusiveMs) {
        byte[] t = term.getBytes(StandardCharsets.UTF_8);
        if (toExclusiveMs == Long.MAX_VALUE) {
            return Bytes.wrap(ByteBuffer.allocate(t.length + 1).put(t).put((byte) 1).array());
        }
        return lowerBound(term, toExclusiveMs);
    }

    /** @return the (start, slot id) part of a key: what orders results, comparable across terms */
    public static byte[] suffix(byte[] key) {
        int sep = 0;
        while (key[sep] != 0) {
            sep++;
        }
        return Arrays.copyOfRange(key, sep + 1, key.length);
    }

    /** @return the start (UTC epoch ms) of a {@link #suffix} */
    public static long startOf(byte[] suffix) {
        return ByteBuffer.wrap(suffix, 0, START_BYTES).getLong() ^ Long.MIN_VALUE;
    }

    /** @return the slot id of a {@link #suffix} */
    public static String slotIdOf(byte[] suffix) {
        return new String(suffix, START_BYTES, suffix.length - START_BYTES, StandardCharsets.UTF_8);
    }

    /** @return the suffix for (start, slot id): the order position of a result, e.g. of a paging cursor */
    public static byte[] suffix(long startMs, String slotId) {
        byte[] id = slotId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(START_BYTES + id.length).putLong(startMs ^ Long.MIN_VALUE).put(id).array();
    }
}
