package io.slotstream.booking.systemofrecord;

import io.slotstream.avro.FhirAppointment;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.DecisionListener;
import io.slotstream.booking.kafka.OwnedPartitions;
import io.slotstream.edge.kafka.ConsumerLoop;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single writer of {@code appointment.v1} (design.md topic catalogue; issue 11 deliverable 4b): booking-bridge,
 * because it owns the Appointment view folded from booking.events.v1 ({@link AppointmentView}). Every replica folds
 * every decision, so the replicas split the writing by the topic's own partitions, as ingest-service splits its feeds:
 * each replica is a member of the consumer group {@code slotstream.booking.appointment-topic.group-id} on
 * appointment.v1 and writes exactly the Appointments whose key falls in the partitions the group assigned to it.
 * <ul>
 *   <li>On assignment it reads those partitions from the start, so it knows what is on the topic (the newest
 *       {@code provenance.eventTime} per Appointment) before writing to them; then it writes what its view has that
 *       is newer. A change is written once, with the view's state at that time; the view only moves forward (newest
 *       decision wins), so each Appointment's records are in decision order.</li>
 *   <li>It writes only after the view has replayed booking.events.v1 ({@link DecisionListener#caughtUp()}).</li>
 *   <li>Writes are transactions that also commit the group's position on appointment.v1, so a replica that lost its
 *       partitions in a rebalance (an older group generation) cannot commit a write any more (KIP-447 fencing).</li>
 * </ul>
 * Which Appointments: {@link AppointmentRecords#of}. Runs on its own platform thread; the view tells it the ids that
 * changed.
 */
@Component
public class AppointmentTopicWriter extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(AppointmentTopicWriter.class);
    private static final int MAX_BATCH = 500;

    private final KafkaClientSettings kafka;
    private final RegistrySettings registry;
    private final String groupId;
    private final boolean enabled;
    private final AppointmentView view;
    private final DecisionListener decisions;
    private final AppointmentRecords records;
    /** ids the view changed, not yet looked at (any thread adds, the writer thread takes) */
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    // writer thread only:
    private final Map<String, Long> written = new HashMap<>();
    /** the partitions the group gave this replica; set when the loop starts */
    private volatile OwnedPartitions ownership;
    private int partitions;

    public AppointmentTopicWriter(
            KafkaClientSettings kafka, RegistrySettings registry,
            @Value("${slotstream.booking.appointment-topic.group-id:slotstream-booking-bridge-appointments}") String groupId,
            @Value("${slotstream.booking.appointment-topic.enabled:true}") boolean enabled,
            AppointmentView view, DecisionListener decisions, AppointmentRecords records) {
        this.kafka = kafka;
        this.registry = registry;
        this.groupId = groupId;
        this.enabled = enabled;
        this.view = view;
        this.decisions = decisions;
        this.records = records;
        view.onChange(dirty::add);
    }

    /** @return the partitions of appointment.v1 this replica writes now (assigned and read to their end) */
    public Set<Integer> writing() {
        OwnedPartitions o = ownership;
        return o == null ? Set.of() : o.owning();
    }

    @Override
    public void start() {
        if (!enabled) {
            log.info("appointment.v1 writer disabled (slotstream.booking.appointment-topic.enabled=false)");
            return;
        }
        startLoop("appointment-topic-writer", this::run);
    }

    private void run() {
        Map<String, Object> consumerProps = kafka.clientConfig();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-member-" + UUID.randomUUID());
        Map<String, Object> producerProps = kafka.clientConfig();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-" + UUID.randomUUID());
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-writer");
        try (KafkaConsumer<String, FhirAppointment> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                TopicSerdes.valueSerde(Topics.APPOINTMENT, registry).deserializer());
             KafkaProducer<String, FhirAppointment> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     TopicSerdes.valueSerde(Topics.APPOINTMENT, registry).serializer())) {
            wakes(c);
            producer.initTransactions();
            partitions = c.partitionsFor(Topics.APPOINTMENT.name()).size();
            if (partitions == 0) {
                throw new IllegalStateException("topic " + Topics.APPOINTMENT.name()
                        + " does not exist: run the provisioning step (it creates the topic catalogue)");
            }
            ownership = new OwnedPartitions(c, p -> written.keySet().removeIf(id -> partitionOf(id) == p));
            c.subscribe(List.of(Topics.APPOINTMENT.name()), ownership);
            while (running()) {
                read(c);
                if (decisions.caughtUp()) {
                    write(c, producer);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("appointment.v1 writer stopped: this replica no longer writes appointment.v1", e);
        } finally {
            if (ownership != null) {
                ownership.clear();
            }
        }
    }

    /** Reads what the topic holds (our own and earlier writers' records) and finishes catch-ups. */
    private void read(KafkaConsumer<String, FhirAppointment> c) {
        try {
            for (ConsumerRecord<String, FhirAppointment> r : c.poll(Duration.ofMillis(200))) {
                if (r.value() == null) {
                    written.remove(r.key());
                } else {
                    written.merge(r.key(), r.value().getProvenance().getEventTime().toEpochMilli(), Math::max);
                }
            }
        } catch (RecordDeserializationException e) {
            log.warn("skipping undecodable appointment.v1 record at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
            c.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        for (TopicPartition tp : ownership.caughtUp()) {
            // whatever changed while nobody wrote this partition: look at every Appointment of it
            view.all().stream().map(StoredAppointment::id).filter(id -> partitionOf(id) == tp.partition()).forEach(dirty::add);
            log.info("writing appointment.v1 partition {}", tp.partition());
        }
    }

    /** Writes the changed Appointments of the partitions this replica owns, in one transaction per batch. */
    private void write(KafkaConsumer<String, FhirAppointment> c, KafkaProducer<String, FhirAppointment> producer) {
        List<FhirAppointment> batch = new ArrayList<>();
        for (String id : List.copyOf(dirty)) {
            int partition = partitionOf(id);
            if (!ownership.assigned(partition)) {
                dirty.remove(id); // another replica writes it
                continue;
            }
            if (!ownership.owns(partition) || batch.size() >= MAX_BATCH) {
                continue; // still reading the partition, or next batch
            }
            dirty.remove(id);
            StoredAppointment a = view.get(id).orElse(null);
            Long last = written.get(id);
            if (a == null || last != null && last >= a.lastUpdated().toEpochMilli()) {
                continue;
            }
            records.of(a, last != null).ifPresent(batch::add);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (FhirAppointment a : batch) {
                producer.send(new ProducerRecord<>(Topics.APPOINTMENT.name(), partitionOf(a.getId()), a.getId(), a));
            }
            Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
            for (TopicPartition tp : c.assignment()) {
                positions.put(tp, new OffsetAndMetadata(c.position(tp)));
            }
            producer.sendOffsetsToTransaction(positions, c.groupMetadata());
            producer.commitTransaction();
            batch.forEach(a -> written.put(a.getId(), a.getProvenance().getEventTime().toEpochMilli()));
        } catch (ProducerFencedException e) {
            throw e; // another producer took this transactional id: nothing to recover here
        } catch (KafkaException e) {
            log.warn("appointment.v1 write of {} Appointment(s) failed, retrying: {}", batch.size(), e.toString());
            producer.abortTransaction();
            batch.forEach(a -> dirty.add(a.getId()));
        }
    }

    /** The partition of an Appointment id, as Kafka's default partitioner computes it for a String key. */
    private int partitionOf(String id) {
        return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
