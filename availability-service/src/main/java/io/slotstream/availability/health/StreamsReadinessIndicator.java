package io.slotstream.availability.health;

import io.slotstream.availability.query.StoreUnavailableException;
import io.slotstream.availability.query.ViewStores;
import io.slotstream.availability.store.StoreNames;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness of the view (health group {@code readiness}, see application.yml): UP only when Kafka Streams is RUNNING
 * and the published view and schedule stores answer a query. Not part of liveness: a restore or a rebalance makes the
 * instance unready (traffic goes elsewhere) but never gets it restarted.
 */
@Component("streamsView")
public class StreamsReadinessIndicator implements HealthIndicator {

    private final ViewStores stores;

    public StreamsReadinessIndicator(ViewStores stores) {
        this.stores = stores;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = stores.streams().map(KafkaStreams::state).orElse(null);
        if (state != KafkaStreams.State.RUNNING) {
            return Health.outOfService().withDetail("streams", String.valueOf(state)).build();
        }
        try {
            long size = stores.local(StoreNames.SLOT_VIEW).approximateNumEntries();
            stores.local(StoreNames.SCHEDULES).approximateNumEntries();
            return Health.up().withDetail("streams", state.name()).withDetail("localViewSize", size).build();
        } catch (StoreUnavailableException e) {
            return Health.outOfService().withDetail("streams", state.name()).withDetail("stores", e.getMessage()).build();
        }
    }
}
