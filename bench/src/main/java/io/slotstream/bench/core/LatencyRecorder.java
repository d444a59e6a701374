package io.slotstream.bench.core;

import java.util.Arrays;

/** A thread-safe, growable list of latency samples in milliseconds. */
public final class LatencyRecorder {

    private double[] samples = new double[1024];
    private int size;

    public synchronized void recordNanos(long nanos) {
        record(nanos / 1e6);
    }

    public synchronized void record(double millis) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = millis;
    }

    public synchronized int count() {
        return size;
    }

    /** @return a copy of the samples, in ms */
    public synchronized double[] toArray() {
        return Arrays.copyOf(samples, size);
    }

    /** @return the samples recorded since the last drain, in ms, and forgets them */
    public synchronized double[] drain() {
        double[] out = Arrays.copyOf(samples, size);
        size = 0;
        return out;
    }
}
