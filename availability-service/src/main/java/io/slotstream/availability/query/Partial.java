package io.slotstream.availability.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One instance's (or the merged) answer to a search: the number of matches and the first {@code limit} of them in
 * result order.
 *
 * @param total all matches, or -1 when not counted (a page cut short: see {@link IndexedSlotSearch})
 * @param first the first matches, sorted, at most the limit asked for
 */
public record Partial<T>(int total, List<T> first) {

    /** Keeps the smallest {@code limit} items of a stream of matches, in order, and counts all of them. */
    public static final class Collector<T> {
        private final Comparator<T> order;
        private final int limit;
        private final java.util.PriorityQueue<T> worstFirst;
        private int total;

        public Collector(Comparator<T> order, int limit) {
            this.order = order;
            this.limit = limit;
            this.worstFirst = new java.util.PriorityQueue<>(Math.max(1, Math.min(limit, 1024)), order.reversed());
        }

        public void add(T item) {
            total++;
            if (limit == 0) {
                return;
            }
            if (worstFirst.size() < limit) {
                worstFirst.add(item);
            } else if (order.compare(item, worstFirst.peek()) < 0) {
                worstFirst.poll();
                worstFirst.add(item);
            }
        }

        public Partial<T> result() {
            List<T> sorted = new ArrayList<>(worstFirst);
            sorted.sort(order);
            return new Partial<>(total, sorted);
        }
    }

    /**
     * Merges the answers of the partition owners. An item reported by two owners (a partition moving during a
     * rebalance) counts once.
     *
     * @param id identity of an item (resource id)
     */
    public static <T> Partial<T> merge(Collection<Partial<T>> parts, Comparator<T> order, int limit, Function<T, String> id) {
        Map<String, T> seen = new LinkedHashMap<>();
        int total = 0;
        int duplicates = 0;
        boolean counted = true;
        for (Partial<T> p : parts) {
            counted &= p.total() >= 0;
            total += p.total();
            for (T item : p.first()) {
                if (seen.putIfAbsent(id.apply(item), item) != null) {
                    duplicates++;
                }
            }
        }
        List<T> all = new ArrayList<>(seen.values());
        all.sort(order);
        return new Partial<>(counted ? total - duplicates : -1, all.subList(0, Math.min(limit, all.size())));
    }

    /** @return the page [offset, offset + count) of {@link #first} */
    public List<T> page(Paging paging) {
        int from = Math.min(paging.offset(), first.size());
        return first.subList(from, Math.min(first.size(), paging.offset() + paging.count()));
    }
}
