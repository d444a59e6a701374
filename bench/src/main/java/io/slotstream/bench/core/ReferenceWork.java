package io.slotstream.bench.core;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A fixed single-thread CPU workload (string building, hashing, a hash map, a sort: the kind of work the services do
 * per change) timed before a benchmark runs, so results from different days or machines can be put side by side:
 * on a shared virtual machine the same build has run several times slower on one day than on another (see
 * docs/benchmarks.md, "The machine's speed"). The workload is always the same; only its time says something.
 */
public final class ReferenceWork {

    static final int KEYS = 200_000;
    static final int WARM_UP = 10;
    /** Where the results go, so the JIT cannot drop the work as unused. */
    private static volatile long sink;

    private ReferenceWork() {
    }

    /**
     * Runs the workload {@code repetitions} times after a few unrecorded ones (JIT warm-up).
     *
     * @return the fastest repetition, in ms (the least disturbed by other processes on the machine)
     * @throws IllegalArgumentException when {@code repetitions < 1}
     */
    public static double bestOf(int repetitions) {
        return bestOf(repetitions, System::nanoTime);
    }

    /** {@link #bestOf(int)} timed by {@code nanoTime} (ns), read once before and once after each timed run. */
    static double bestOf(int repetitions, LongSupplier nanoTime) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be at least 1, got " + repetitions);
        }
        for (int i = 0; i < WARM_UP; i++) {
            sink = run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < repetitions; i++) {
            long start = nanoTime.getAsLong();
            sink = run();
            best = Math.min(best, nanoTime.getAsLong() - start);
        }
        return best / 1e6;
    }

    /** @return a checksum of one run of the workload; the same on every call */
    static long run() {
        Map<String, Integer> perSchedule = new HashMap<>();
        StringBuilder id = new StringBuilder(32);
        long checksum = 0;
        for (int i = 0; i < KEYS; i++) {
            id.setLength(0);
            id.append("sch-").append(i % 5_000).append('-').append(20270101 + i % 28).append('-').append(i);
            String slot = id.toString();
            perSchedule.merge(slot.substring(0, slot.indexOf('-', 4)), 1, Integer::sum);
            checksum = checksum * 31 + slot.hashCode();
        }
        long[] starts = new SplittableRandom(20260301).longs(KEYS).toArray();
        Arrays.sort(starts);
        return checksum ^ perSchedule.size() ^ starts[KEYS / 2];
    }
}
