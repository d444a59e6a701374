package io.slotstream.publish.snapshot;

import io.slotstream.publish.store.PublicationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The snapshot cadence: once the store caught up, the first snapshot is cut at once; after that one every
 * {@code interval}, and only when the store changed (issue 6 item 1). Each tick also deletes superseded snapshots
 * past their grace period and forgets deletions older than the {@code _since} retention. One thread; a failing tick
 * is logged and retried on the next.
 */
public final class SnapshotScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotScheduler.class);

    private final SnapshotPublisher publisher;
    private final PublicationStore store;
    private final BooleanSupplier caughtUp;
    private final Duration interval;
    private final Duration sinceRetention;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("publish-snapshots").daemon().factory());
    private long lastCut = Long.MIN_VALUE;

    public SnapshotScheduler(SnapshotPublisher publisher, PublicationStore store, BooleanSupplier caughtUp,
                             Duration interval, Duration sinceRetention, Clock clock) {
        this.publisher = publisher;
        this.store = store;
        this.caughtUp = caughtUp;
        this.interval = interval;
        this.sinceRetention = sinceRetention;
        this.clock = clock;
    }

    public void start() {
        long tick = Math.max(50, Math.min(1000, interval.toMillis()));
        executor.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
    }

    void tick() {
        try {
            if (!caughtUp.getAsBoolean()) {
                return;
            }
            long now = clock.millis();
            if (publisher.current().isEmpty() || now - lastCut >= interval.toMillis()) {
                lastCut = now;
                publisher.cutIfChanged();
            }
            publisher.retireExpired();
            store.pruneDeletions(sinceRetention);
        } catch (RuntimeException e) {
            log.error("snapshot tick failed", e);
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
