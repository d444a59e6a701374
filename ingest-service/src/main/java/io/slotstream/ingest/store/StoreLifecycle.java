package io.slotstream.ingest.store;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;

/**
 * Starts the {@link AcceptedLog} with the application (waiting a bounded time for it to read the topics) and reports it as
 * the {@code acceptedStore} health contributor, part of the readiness group: not ready while restoring, but liveness
 * is unaffected (design.md "Health").
 */
public final class StoreLifecycle implements SmartLifecycle, HealthIndicator {

    private final AcceptedLog store;
    private final Duration startupWait;
    private volatile boolean running;

    public StoreLifecycle(AcceptedLog store, Duration startupWait) {
        this.store = store;
        this.startupWait = startupWait;
    }

    @Override
    public void start() {
        store.start(startupWait);
        running = true;
    }

    @Override
    public void stop() {
        store.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server (phase Integer.MAX_VALUE - 2048 and later), so requests rarely meet a cold store. */
    @Override
    public int getPhase() {
        return 0;
    }

    @Override
    public Health health() {
        return store.isReady() ? Health.up().build() : Health.outOfService().withDetail("store", "restoring").build();
    }
}
