package io.slotstream.availability.index;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The union of several posting lists over a start interval, in result order: (start, slot id) ascending, or
 * descending for {@code _sort=-start}. One RocksDB range iterator per (term, partition store), merged k-way; a slot
 * found under two terms (a comma list that matches twice) comes out once. Each partition store is scanned on its
 * own because the composite store of all local partitions chains them instead of merging. Close it.
 */
public final class PostingScan implements AutoCloseable {

    private final List<KeyValueIterator<Bytes, byte[]>> open = new ArrayList<>();
    private final PriorityQueue<Head> heads;
    private final Comparator<byte[]> order;
    private byte[] last;
    private int lastPartition = -1;

    private record Head(byte[] suffix, int partition, KeyValueIterator<Bytes, byte[]> rest) {
    }

    /**
     * @param partitions   the postings store of each local partition (see {@link #partition()})
     * @param terms        terms whose posting lists are united
     * @param fromMs       smallest start, inclusive (UTC epoch ms)
     * @param toMs         largest start, exclusive
     * @param descending   latest start first
     */
    public PostingScan(Collection<ReadOnlyKeyValueStore<Bytes, byte[]>> partitions, Collection<String> terms,
                       long fromMs, long toMs, boolean descending) {
        Comparator<byte[]> ascending = Arrays::compareUnsigned;
        this.order = descending ? ascending.reversed() : ascending;
        this.heads = new PriorityQueue<>(Math.max(1, partitions.size() * terms.size()),
                (a, b) -> order.compare(a.suffix, b.suffix));
        int partition = 0;
        for (ReadOnlyKeyValueStore<Bytes, byte[]> store : partitions) {
            for (String term : terms) {
                Bytes lo = PostingKey.lowerBound(term, fromMs);
                Bytes hi = PostingKey.upperBound(term, toMs);
                KeyValueIterator<Bytes, byte[]> it = descending ? store.reverseRange(lo, hi) : store.range(lo, hi);
                open.add(it);
                advance(it, partition);
            }
            partition++;
        }
    }

    /** @return the next (start, slot id) suffix (see {@link PostingKey#suffix(byte[])}), or null at the end */
    public byte[] next() {
        while (!heads.isEmpty()) {
            Head head = heads.poll();
            advance(head.rest, head.partition);
            if (last == null || !Arrays.equals(last, head.suffix)) {
                last = head.suffix;
                lastPartition = head.partition;
                return head.suffix;
            }
        }
        return null;
    }

    /** @return the index, in the given partition list, of the store the last {@link #next} came from */
    public int partition() {
        return lastPartition;
    }

    private void advance(KeyValueIterator<Bytes, byte[]> it, int partition) {
        if (it.hasNext()) {
            KeyValue<Bytes, byte[]> kv = it.next();
            heads.add(new Head(PostingKey.suffix(kv.key.get()), partition, it));
        }
    }

    @Override
    public void close() {
        open.forEach(KeyValueIterator::close);
    }
}
