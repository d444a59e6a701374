package io.slotstream.ingest.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the per-line work of feed files (JSON parse, intake preparation) on every core: a chunk of lines is cut into
 * contiguous slices, one per thread, and the calling feed thread works one slice itself. Each line's work is
 * independent of the others'; the caller puts the results back in line order. Thread-safe; shared by all feeds.
 */
final class LinePreparation implements AutoCloseable {

    /** Lines handled at a time: large enough to amortise the hand-off, small enough to keep memory flat. */
    static final int CHUNK = 256;

    private final int threads;
    private final ExecutorService pool;

    /** @param threads threads working on one chunk, the caller included; 0 = one per available processor */
    LinePreparation(int threads) {
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        this.pool = this.threads <= 1 ? null : Executors.newFixedThreadPool(this.threads - 1,
                r -> Thread.ofPlatform().name("feed-prepare-" + count.incrementAndGet()).daemon().unstarted(r));
    }

    /**
     * Calls {@code work} once for each index in {@code [0, n)}, spread over the threads; returns when all are done.
     *
     * @throws RuntimeException the first exception a call threw (the other slices still finish)
     */
    void run(int n, IntConsumer work) {
        int slices = pool == null ? 1 : Math.min(threads, Math.max(1, n / 16));
        if (slices == 1) {
            for (int i = 0; i < n; i++) {
                work.accept(i);
            }
            return;
        }
        List<Future<?>> others = new ArrayList<>(slices - 1);
        for (int s = 1; s < slices; s++) {
            int from = n * s / slices;
            int to = n * (s + 1) / slices;
            others.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    work.accept(i);
                }
            }));
        }
        RuntimeException failure = null;
        try {
            for (int i = 0; i < n / slices; i++) {
                work.accept(i);
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> other : others) {
            try {
                other.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
                if (failure == null) {
                    failure = cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while preparing feed lines", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
