package io.slotstream.publish.snapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The cut cadence: once the store caught up, the first cut is tried at once (it cuts when nothing is published yet or
 * a group changed since the restored publication); after that one every {@code interval} (from one cut's start to the
 * next one's: the next tick is scheduled for the moment the interval ends, not on a coarse grid, since the wait for
 * the next cut is part of every change's latency to a {@code _since} poll), and only when a group changed. Each tick
 * also deletes files past their grace period; ticks are at most {@code interval / 5} (50 ms to 1 s) apart. One
 * thread; a failing tick is logged and retried on the next.
 */
public final class SnapshotScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotScheduler.class);

    private final SnapshotPublisher publisher;
    private final BooleanSupplier caughtUp;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("publish-snapshots").daemon().factory());
    /** Wall-clock ms of the last cut tried; null before the first (a sentinel like Long.MIN_VALUE overflows now - lastCut). */
    private Long lastCut;

    public SnapshotScheduler(SnapshotPublisher publisher, BooleanSupplier caughtUp, Duration interval, Clock clock) {
        this.publisher = publisher;
        this.caughtUp = caughtUp;
        this.interval = interval;
        this.clock = clock;
    }

    public void start() {
        executor.execute(this::loop);
    }

    private void loop() {
        long delay = tick();
        try {
            executor.schedule(this::loop, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** @return ms until the next tick: until the next cut is due, at most {@code interval / 5} (50 ms to 1 s) */
    long tick() {
        tryCut();
        long idle = Math.max(50, Math.min(1000, interval.toMillis() / 5));
        if (lastCut == null || !caughtUp.getAsBoolean()) {
            return idle;
        }
        return Math.max(0, Math.min(idle, lastCut + interval.toMillis() - clock.millis()));
    }

    private void tryCut() {
        try {
            if (!caughtUp.getAsBoolean()) {
                return;
            }
            long now = clock.millis();
            if (lastCut == null || publisher.current().isEmpty() || now - lastCut >= interval.toMillis()) {
                lastCut = now;
                publisher.cutIfChanged();
            }
            publisher.deleteExpired();
        } catch (RuntimeException e) {
            if (publisher.lastFailure().isPresent()) {
                // the failed cut logged its cause in one line; a full disk repeats it every interval, without a trace
                log.debug("publication tick failed", e);
            } else {
                log.error("publication tick failed", e);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
