package io.slotstream.booking.command;

import io.slotstream.avro.BookingEvent;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.kafka.ConsumerLoop;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Reads every partition of booking.events.v1 from the beginning (no consumer group: each instance sees every
 * decision, read_committed because the decision point writes with exactly-once) and feeds the {@link AppointmentView}
 * (ITI-118, complete after a restart because the topic is replayed) and the {@link Outcomes} waiters. A record that
 * cannot be decoded is logged and skipped.
 */
@Component
public class DecisionListener extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(DecisionListener.class);

    private final KafkaClientSettings kafka;
    private final RegistrySettings registry;
    private final AppointmentView view;
    private final Outcomes outcomes;
    private volatile KafkaConsumer<String, BookingEvent> consumer;
    private volatile Map<TopicPartition, Long> endAtStart;
    private volatile boolean caughtUp;

    public DecisionListener(KafkaClientSettings kafka, RegistrySettings registry, AppointmentView view, Outcomes outcomes) {
        this.kafka = kafka;
        this.registry = registry;
        this.view = view;
        this.outcomes = outcomes;
    }

    /** @return whether the listener has read everything that was on the topic when it started */
    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void start() {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "booking-bridge-decisions");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), TopicSerdes.valueSerde(Topics.BOOKING_EVENTS, registry).deserializer());
        List<TopicPartition> partitions = IntStream.range(0, Topics.BOOKING_EVENTS.partitions())
                .mapToObj(p -> new TopicPartition(Topics.BOOKING_EVENTS.name(), p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = consumer.endOffsets(partitions);
        wakes(consumer);
        startLoop("booking-decisions", this::run);
    }

    private void run() {
        try {
            while (running()) {
                org.apache.kafka.clients.consumer.ConsumerRecords<String, BookingEvent> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (RecordDeserializationException e) {
                    log.warn("skipping undecodable booking event at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, BookingEvent> record : records) {
                    try {
                        if (record.value() != null) {
                            view.apply(record.value());
                            outcomes.accept(record.value());
                        }
                    } catch (RuntimeException e) {
                        log.warn("skipping booking event at {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), e.toString());
                    }
                }
                if (!caughtUp) {
                    caughtUp = endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("booking.events.v1 listener stopped", e);
        } finally {
            consumer.close();
        }
    }
}
