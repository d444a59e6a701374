package io.slotstream.availability.health;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures state restoration (a view rebuilt from its changelogs after a state wipe, a new instance, a failover):
 * {@code slotstream.availability.restore.records{store}} counts restored records, and
 * {@code slotstream.availability.restore.duration{store}} times each store partition's restore, so restored
 * events/s is the counter's rate while a restore runs. Kafka Streams calls it from its restore threads.
 */
public final class RestoreMetrics implements StateRestoreListener {

    private final MeterRegistry registry;
    private final Map<TopicPartition, Long> started = new ConcurrentHashMap<>();

    public RestoreMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        started.put(partition, System.nanoTime());
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        registry.counter("slotstream.availability.restore.records", "store", storeName).increment(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        Long start = started.remove(partition);
        if (start != null) {
            Timer.builder("slotstream.availability.restore.duration").tag("store", storeName)
                    .description("Time to restore one store partition from its changelog").register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
