package io.slotstream.publish.store;

import io.slotstream.publish.ndjson.ResourceRenderer;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Materializes what availability-service emits, {@code slot.availability.v1} and {@code reference.availability.v1}
 * (design.md, "Truth and ordering": publish-service renders only what the view emits, so a publication never holds a
 * reference version the view has not applied), into the {@link PublicationStore}, on one thread.
 * <p>
 * A plain consumer with manual assignment of every partition (no group: each instance publishes everything), reading
 * committed records only; each poll becomes one atomic store batch together with the next offsets, so a restart
 * resumes exactly where the store left off. A change's time is its record's timestamp, raised to the partition's
 * highest timestamp so far (stored with the offset), so it is a function of the partition's records: every replica,
 * and a restart, gives the same change the same time. {@link #caughtUp()} turns true once every partition reached the end
 * offset it had at start. A record that cannot be decoded or rendered is logged, counted in {@link #skipped()} and
 * skipped (design.md: bad async input never stops the stream).
 */
public final class TopicMaterializer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicMaterializer.class);

    /** How one topic's records become store changes. */
    private interface Binding extends AutoCloseable {
        StoreChange render(ConsumerRecord<String, byte[]> record);

        @Override
        void close();
    }

    private final PublicationStore store;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Binding> bindings = new HashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private Map<TopicPartition, Long> catchUpTarget;
    private final Map<String, PartitionPosition> positions = new HashMap<>();

    public TopicMaterializer(KafkaClientSettings kafka, RegistrySettings registry, PublicationStore store,
                             ResourceRenderer renderer) {
        this.store = store;
        bind(Topics.SLOT_AVAILABILITY, registry, renderer::renderSlot);
        bind(Topics.REFERENCE_AVAILABILITY, registry, renderer::renderReference);
        Properties config = new Properties();
        config.putAll(kafka.clientConfig());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "publish-service-materializer");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform().name("publish-materializer").daemon().unstarted(this::run);
    }

    private <V extends SpecificRecord> void bind(Topic<V> topic, RegistrySettings registry,
                                                 BiFunction<String, V, StoreChange> render) {
        Deserializer<V> values = TopicSerdes.valueSerde(topic, registry).deserializer();
        bindings.put(topic.name(), new Binding() {
            @Override
            public StoreChange render(ConsumerRecord<String, byte[]> record) {
                V value = record.value() == null ? null
                        : values.deserialize(record.topic(), record.headers(), record.value());
                return render.apply(record.key(), value);
            }

            @Override
            public void close() {
                values.close();
            }
        });
    }

    public void start() {
        thread.start();
    }

    /** @return whether the store holds at least everything that was in the topics when this materializer started */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** @return records skipped because they could not be decoded or rendered */
    public long skipped() {
        return skipped.get();
    }

    private void run() {
        try {
            assign();
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    applyBatch(records);
                }
                if (!caughtUp) {
                    caughtUp = reachedTarget();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("publication materializer stopped", e);
            throw e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void assign() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : bindings.keySet()) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        positions.putAll(store.positions());
        for (TopicPartition partition : partitions) {
            PartitionPosition next = positions.get(partition.topic() + ":" + partition.partition());
            if (next == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, next.nextOffset());
            }
        }
        catchUpTarget = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    }

    private boolean reachedTarget() {
        for (Map.Entry<TopicPartition, Long> target : catchUpTarget.entrySet()) {
            if (consumer.position(target.getKey()) < target.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void applyBatch(ConsumerRecords<String, byte[]> records) {
        List<TimedChange> changes = new ArrayList<>(records.count());
        Map<String, PartitionPosition> batchPositions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String partition = record.topic() + ":" + record.partition();
            PartitionPosition before = positions.get(partition);
            long time = Math.max(record.timestamp(), before == null ? 0 : before.time());
            PartitionPosition after = new PartitionPosition(record.offset() + 1, time);
            positions.put(partition, after);
            batchPositions.put(partition, after);
            StoreChange change = render(record);
            if (change != null) {
                changes.add(new TimedChange(change, time));
            }
        }
        store.apply(changes, batchPositions);
    }

    private StoreChange render(ConsumerRecord<String, byte[]> record) {
        Binding binding = bindings.get(record.topic());
        try {
            if (record.key() == null) {
                throw new IllegalArgumentException("record without key");
            }
            return binding.render(record);
        } catch (RuntimeException e) {
            skipped.incrementAndGet();
            log.warn("skipping {}-{}@{} (key {}): {}", record.topic(), record.partition(), record.offset(),
                    record.key(), e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bindings.values().forEach(Binding::close);
    }
}
