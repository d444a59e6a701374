package io.slotstream.bench.core;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces events at a steady rate on a fixed schedule (event n is due at start + n / rate), so a slow event does not
 * shift the later ones (no coordinated omission in the send schedule). Not thread-safe.
 */
public final class Pacer {

    private final double intervalNanos;
    private final long start;
    private long n;

    /** @param perSecond events per second, > 0 */
    public Pacer(double perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("rate must be > 0, got " + perSecond);
        }
        this.intervalNanos = 1e9 / perSecond;
        this.start = System.nanoTime();
    }

    /** Blocks until the next event is due; @return its scheduled time (System.nanoTime) */
    public long awaitNext() {
        long due = start + (long) (n++ * intervalNanos);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return due;
    }
}
