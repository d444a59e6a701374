package io.slotstream.booking.kafka;

import io.slotstream.edge.kafka.ConsumerLoop;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Reads every partition of one catalogue topic from the beginning (with the stack's client settings: SASL/TLS), on
 * its own thread ({@link ConsumerLoop}), without a consumer group (each booking-bridge instance sees every record: its
 * views are complete after a restart because the topic is replayed),
 * and hands each non-null value to {@link #onValue}. A record that cannot be decoded, or that {@code onValue} fails
 * on, is logged and skipped. Subclasses are the topic's in-memory views.
 *
 * @param <V> the topic's value type
 */
public abstract class TopicReplay<V extends SpecificRecord> extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(TopicReplay.class);

    private final Topic<V> topic;
    private final Map<String, Object> config;
    private final RegistrySettings registry;
    private volatile KafkaConsumer<String, V> consumer;
    private volatile Map<TopicPartition, Long> endAtStart;
    private volatile boolean caughtUp;

    /**
     * @param readCommitted whether to read with {@code read_committed} (the writer is transactional)
     * @param clientId      the consumer's client id (also the thread's name)
     */
    protected TopicReplay(Topic<V> topic, KafkaClientSettings kafka, RegistrySettings registry, boolean readCommitted,
                          String clientId) {
        this.topic = topic;
        this.registry = registry;
        this.config = kafka.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    }

    /** @return whether everything that was on the topic at start has been read */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Assigns every partition, seeks to the beginning and starts the reading thread. */
    @Override
    public void start() {
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), TopicSerdes.valueSerde(topic, registry).deserializer());
        List<TopicPartition> partitions = IntStream.range(0, topic.partitions())
                .mapToObj(p -> new TopicPartition(topic.name(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = consumer.endOffsets(partitions);
        wakes(consumer);
        startLoop(String.valueOf(config.get(ConsumerConfig.CLIENT_ID_CONFIG)), this::run);
    }

    private void run() {
        try {
            while (running()) {
                ConsumerRecords<String, V> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    log.warn("skipping undecodable {} record at {}@{}: {}", topic.name(), e.topicPartition(), e.offset(),
                            e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, V> record : records) {
                    try {
                        if (record.value() != null) {
                            onValue(record.value());
                        }
                    } catch (RuntimeException e) {
                        log.warn("skipping {} record at {}@{}: {}", topic.name(), record.partition(), record.offset(),
                                e.toString());
                    }
                }
                if (!caughtUp) {
                    caughtUp = endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("{} reader stopped", topic.name(), e);
        } finally {
            consumer.close();
        }
    }

    /** Applies one record's value (called on the reading thread, in partition order). */
    protected abstract void onValue(V value);
}
