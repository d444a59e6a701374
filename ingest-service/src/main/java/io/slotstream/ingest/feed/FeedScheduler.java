package io.slotstream.ingest.feed;

import io.slotstream.avro.FeedSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the polls of the feeds this replica owns ({@link FeedSubscriptions#owns}): each feed at its interval (never
 * more often than the minimum; a failing feed backs off, doubling up to {@code failure-backoff-max}), one poll at a
 * time per feed, at most {@code threads} feeds at once. Tracks staleness: a feed that has not changed or answered for
 * {@code stale-after} is reported stale (status, gauge, one WARN line), and after {@code withdraw-after} its slots are
 * withdrawn. Thread-safe.
 */
final class FeedScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FeedScheduler.class);

    private final FeedSubscriptions subscriptions;
    private final FeedPoller poller;
    private final FeedMetrics metrics;
    private final FeedProperties.Polling settings;
    private final Clock clock;
    private final Map<String, FeedState> states = new ConcurrentHashMap<>();
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("feed-scheduler").factory());
    private final ExecutorService workers;
    private final BooleanSupplier intakeReady;

    /** @param intakeReady whether the intake can take writes (its store restored); no poll starts before */
    FeedScheduler(FeedSubscriptions subscriptions, FeedPoller poller, FeedMetrics metrics, FeedProperties.Polling settings,
                  Clock clock, BooleanSupplier intakeReady) {
        this.intakeReady = intakeReady;
        this.subscriptions = subscriptions;
        this.poller = poller;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(Math.max(1, settings.threads()),
                Thread.ofPlatform().daemon().name("feed-poll-", 0).factory());
    }

    void start() {
        ticker.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** @return this replica's state of the feed, when it polls it */
    Optional<FeedState> state(String source) {
        return Optional.ofNullable(states.get(source));
    }

    /**
     * Asks for a poll as soon as the minimum interval since the last one allows.
     *
     * @return empty when scheduled; else how long until a poll is allowed
     * @throws IllegalStateException when this replica does not poll the feed
     */
    Optional<Duration> pollNow(String source) {
        FeedState state = states.get(source);
        if (state == null) {
            throw new IllegalStateException("feed '" + source + "' is not polled by this replica");
        }
        Instant last = state.lastPollAt;
        if (last != null) {
            Duration since = Duration.between(last, clock.instant());
            if (since.compareTo(settings.minimumInterval()) < 0) {
                return Optional.of(settings.minimumInterval().minus(since));
            }
        }
        state.pollRequested = true;
        return Optional.empty();
    }

    private void tick() {
        try {
            if (!intakeReady.getAsBoolean()) {
                return;
            }
            Instant now = clock.instant();
            for (FeedSubscription sub : subscriptions.all()) {
                String source = sub.getSource();
                if (!subscriptions.owns(source)) {
                    states.remove(source);
                    continue;
                }
                FeedState state = states.get(source);
                if (state == null || !state.subscription.getUrl().equals(sub.getUrl())) {
                    state = new FeedState(sub, now);
                    states.put(source, state);
                    metrics.watch(source, () -> states.get(source));
                } else {
                    state.subscription = sub;
                }
                checkStaleness(state, now);
                if (running.containsKey(source)) {
                    continue;
                }
                if (state.pollRequested || !now.isBefore(state.nextPollAt)) {
                    state.pollRequested = false;
                    submit(state);
                }
            }
            states.keySet().removeIf(source -> subscriptions.get(source).isEmpty());
        } catch (RuntimeException e) {
            log.error("feed scheduler tick failed", e);
        }
    }

    private void submit(FeedState state) {
        String source = state.subscription.getSource();
        running.put(source, Boolean.TRUE);
        workers.execute(() -> {
            try {
                poller.poll(state);
            } finally {
                state.nextPollAt = clock.instant().plus(nextInterval(state));
                running.remove(source);
            }
        });
    }

    private Duration nextInterval(FeedState state) {
        Duration interval = Duration.ofMillis(Math.max(state.subscription.getIntervalMillis(), settings.minimumInterval().toMillis()));
        if (state.consecutiveFailures == 0) {
            return interval;
        }
        Duration backoff = interval.multipliedBy(1L << Math.min(10, state.consecutiveFailures - 1));
        return backoff.compareTo(settings.failureBackoffMax()) > 0 ? max(interval, settings.failureBackoffMax()) : backoff;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private void checkStaleness(FeedState state, Instant now) {
        Duration quiet = Duration.between(state.lastChangeAt, now);
        FeedSubscription sub = state.subscription;
        Duration staleAfter = sub.getStaleAfterMillis() == null ? settings.staleAfter() : Duration.ofMillis(sub.getStaleAfterMillis());
        Duration withdrawAfter = sub.getWithdrawAfterMillis() == null ? settings.withdrawAfter() : Duration.ofMillis(sub.getWithdrawAfterMillis());
        boolean stale = quiet.compareTo(staleAfter) > 0;
        if (stale && !state.stale) {
            log.warn("feed {} is stale: no change and no successful answer with new data since {} ({} min)",
                    state.subscription.getSource(), state.lastChangeAt, quiet.toMinutes());
        } else if (!stale && state.stale) {
            log.info("feed {} is fresh again", state.subscription.getSource());
        }
        state.stale = stale;
        String source = state.subscription.getSource();
        if (stale && !state.withdrawn && !withdrawAfter.isZero()
                && quiet.compareTo(withdrawAfter) > 0 && !running.containsKey(source)) {
            running.put(source, Boolean.TRUE);
            workers.execute(() -> {
                try {
                    poller.withdraw(state);
                } catch (RuntimeException e) {
                    log.error("feed {}: withdrawing its slots failed; retried", source, e);
                } finally {
                    running.remove(source);
                }
            });
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
