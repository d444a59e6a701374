package io.slotstream.availability.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.availability.query.ViewStores;
import io.slotstream.availability.store.StoreNames;
import org.springframework.stereotype.Component;

/**
 * Gauge {@code slotstream.availability.view.size}: published slots in this instance's partitions (RocksDB's estimate;
 * -1 while the store is not queryable). Sum over instances for the whole view.
 */
@Component
class ViewSizeGauge {

    ViewSizeGauge(MeterRegistry registry, ViewStores stores) {
        Gauge.builder("slotstream.availability.view.size", stores, s -> {
            try {
                return s.local(StoreNames.SLOT_VIEW).approximateNumEntries();
            } catch (RuntimeException e) {
                return -1;
            }
        }).description("Published slots in this instance's partitions (estimate)").register(registry);
    }
}
