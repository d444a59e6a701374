package io.slotstream.availability.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.availability.config.BoundedRocksDbMemory;
import org.springframework.stereotype.Component;

/**
 * Gauges {@code slotstream.rocksdb.cache.capacity} and {@code slotstream.rocksdb.cache.usage} (bytes): the shared
 * native-memory budget of all RocksDB stores ({@link BoundedRocksDbMemory}) and what it holds; -1 before the first
 * store opened. Usage near capacity is normal (it is a cache); RSS growing beyond heap + capacity is not.
 */
@Component
class RocksDbMemoryGauges {

    RocksDbMemoryGauges(MeterRegistry registry) {
        Gauge.builder("slotstream.rocksdb.cache.capacity", BoundedRocksDbMemory::capacityBytes)
                .baseUnit("bytes").description("Capacity of the RocksDB block cache shared by every store")
                .register(registry);
        Gauge.builder("slotstream.rocksdb.cache.usage", BoundedRocksDbMemory::usageBytes)
                .baseUnit("bytes").description("Bytes held by the shared RocksDB block cache (memtables included)")
                .register(registry);
    }
}
