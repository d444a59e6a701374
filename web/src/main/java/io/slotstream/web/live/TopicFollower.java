package io.slotstream.web.live;

import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.mapping.SlotStatusCodes;
import io.slotstream.edge.kafka.ConsumerLoop;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import io.slotstream.web.status.TopicCounts;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Reads, from the beginning and without a consumer group (every instance sees everything), the six compacted
 * {@code fhir.*.v1} topics (keys only: their counts), {@code slot.availability.v1} and {@code ingest.dead-letter.v1},
 * and folds them into {@link TopicCounts}. Once it has caught up with what was on the topics at start, every change of
 * {@code slot.availability.v1} also goes to {@link SlotEvents} (one batch per poll), which pushes it to the open pages.
 * Reads with {@code read_committed} (the writers are transactional). A value that cannot be decoded is logged and
 * skipped. Writes no topic.
 */
@Component
public class TopicFollower extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
    private static final List<Topic<?>> RESOURCE_TOPICS = List.of(Topics.LOCATION, Topics.SCHEDULE, Topics.SLOT,
            Topics.PRACTITIONER_ROLE, Topics.PRACTITIONER, Topics.HEALTHCARE_SERVICE);

    private final KafkaClientSettings kafka;
    private final RegistrySettings registry;
    private final TopicCounts counts;
    private final SlotEvents events;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean caughtUp;
    private Map<TopicPartition, Long> endAtStart;
    private Deserializer<SlotAvailability> slots;
    private Deserializer<DeadLetter> deadLetters;

    public TopicFollower(KafkaClientSettings kafka, RegistrySettings registry, TopicCounts counts, SlotEvents events) {
        this.kafka = kafka;
        this.registry = registry;
        this.counts = counts;
        this.events = events;
    }

    /** @return whether everything that was on the topics at start has been read (the counts are then complete) */
    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void start() {
        slots = TopicSerdes.valueSerde(Topics.SLOT_AVAILABILITY, registry).deserializer();
        deadLetters = TopicSerdes.valueSerde(Topics.DEAD_LETTER, registry).deserializer();
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "web-topic-follower");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        wakes(consumer);
        List<Topic<?>> topics = new ArrayList<>(RESOURCE_TOPICS);
        topics.add(Topics.SLOT_AVAILABILITY);
        topics.add(Topics.DEAD_LETTER);
        List<TopicPartition> partitions = topics.stream().flatMap(t -> IntStream.range(0, t.partitions())
                .mapToObj(p -> new TopicPartition(t.name(), p))).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = consumer.endOffsets(partitions);
        startLoop("web-topic-follower", this::run);
    }

    private void run() {
        try {
            while (running()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                List<SlotChange> changes = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        apply(record, changes);
                    } catch (RuntimeException e) {
                        log.warn("skipping record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
                    }
                }
                if (caughtUp && !changes.isEmpty()) {
                    events.publish(changes);
                }
                if (!caughtUp) {
                    caughtUp = endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("topic follower stopped", e);
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record, List<SlotChange> changes) {
        String topic = record.topic();
        if (topic.equals(Topics.SLOT_AVAILABILITY.name())) {
            SlotAvailability slot = record.value() == null ? null : slots.deserialize(topic, record.value());
            if (slot == null) {
                counts.slot(record.key(), null);
                changes.add(new SlotChange(record.key(), "gone", null, null, null));
            } else {
                String status = SlotStatusCodes.toCode(slot.getEffectiveStatus());
                counts.slot(record.key(), status);
                changes.add(new SlotChange(record.key(), status, slot.getScheduleId(), slot.getStart().toEpochMilli(),
                        slot.getHoldExpiresAt() == null ? null : slot.getHoldExpiresAt().toEpochMilli()));
            }
        } else if (topic.equals(Topics.DEAD_LETTER.name())) {
            if (record.value() != null) {
                counts.deadLetter(deadLetters.deserialize(topic, record.value()));
            }
        } else {
            counts.resource(topic, record.key(), record.value() != null);
        }
    }
}
