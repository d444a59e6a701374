package io.slotstream.bench.freshness;

import io.slotstream.avro.SlotAvailability;
import io.slotstream.bench.core.BenchException;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Tails {@code slot.availability.v1} from its current end (all partitions assigned, no group) on its own thread,
 * handing every record (key, value, arrival System.nanoTime) to a callback. Values are decoded with the catalogue's
 * Avro serde through the registry.
 */
public final class AvailabilityTopicWatcher implements AutoCloseable {

    private final KafkaConsumer<String, SlotAvailability> consumer;
    private final Serde<SlotAvailability> serde;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong records = new AtomicLong();
    private final Thread thread;
    private volatile Throwable failure;

    /** @throws BenchException when the broker does not answer or the topic does not exist */
    public AvailabilityTopicWatcher(String bootstrap, String registryUrl, BiConsumer<SlotAvailability, Long> onRecord) {
        serde = TopicSerdes.valueSerde(Topics.SLOT_AVAILABILITY, new RegistrySettings(registryUrl, false));
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000),
                TopicSerdes.keySerde().deserializer(), serde.deserializer());
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(Topics.SLOT_AVAILABILITY.name(), Duration.ofSeconds(15));
        } catch (RuntimeException e) {
            consumer.close();
            throw new BenchException("cannot read topic " + Topics.SLOT_AVAILABILITY.name() + " at " + bootstrap + ": " + e, e);
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position); // resolve the end offsets now, before any change is sent
        thread = Thread.ofPlatform().name("bench-availability-watcher").daemon().start(() -> {
            try {
                while (running.get()) {
                    for (ConsumerRecord<String, SlotAvailability> r : consumer.poll(Duration.ofMillis(50))) {
                        records.incrementAndGet();
                        if (r.value() != null) {
                            onRecord.accept(r.value(), System.nanoTime());
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    public long records() {
        return records.get();
    }

    /** @throws BenchException when the consumer thread failed (for example a value it cannot decode) */
    public void check() {
        if (failure != null) {
            throw new BenchException("reading " + Topics.SLOT_AVAILABILITY.name() + " failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        serde.close();
    }
}
