package io.slotstream.booking.upstream;

import io.slotstream.avro.UpstreamForward;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retries the pending EHR forwards of booking.upstream-forwards.v1 ({@link UpstreamReconciler#retry}), each by exactly
 * one replica: the replicas are members of the consumer group {@code slotstream.booking.upstream-forwards.group-id} on
 * that topic and each retries the forwards whose key (Appointment id) falls in the partitions the group assigned to it,
 * as {@code AppointmentTopicWriter} splits appointment.v1. On assignment it reads those partitions from the start (the
 * topic is compacted: what is there is what is pending), then retries each forward when its {@code nextAttemptAt} has
 * come, after the Appointment view has replayed booking.events.v1 ({@link DecisionListener#caughtUp()}). A forward is
 * in flight at most once per replica; a replica that loses a partition stops retrying it, and the forward is finished
 * by the next owner with the same identifier (the EHR's conditional create/update makes a repeat harmless).
 */
@Component
public class ForwardRetrier extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(ForwardRetrier.class);
    /** wait after a retry that failed on our side (Kafka did not take the next state) */
    private static final Duration BACKOFF = Duration.ofSeconds(5);

    private final KafkaClientSettings kafka;
    private final RegistrySettings registry;
    private final String groupId;
    private final UpstreamReconciler reconciler;
    private final DecisionListener decisions;
    private final Clock clock = Clock.systemUTC();
    /** pending forwards of the owned partitions, by Appointment id */
    private final Map<String, UpstreamForward> pending = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** the partitions the group gave this replica; set when the loop starts */
    private volatile OwnedPartitions ownership;

    public ForwardRetrier(
            KafkaClientSettings kafka, RegistrySettings registry,
            @Value("${slotstream.booking.upstream-forwards.group-id:slotstream-booking-bridge-upstream-forwards}") String groupId,
            UpstreamReconciler reconciler, DecisionListener decisions) {
        this.kafka = kafka;
        this.registry = registry;
        this.groupId = groupId;
        this.reconciler = reconciler;
        this.decisions = decisions;
    }

    /** @return the partitions of booking.upstream-forwards.v1 this replica retries now */
    public Set<Integer> retrying() {
        OwnedPartitions o = ownership;
        return o == null ? Set.of() : o.owning();
    }

    /** @return the Appointment ids of the pending forwards this replica owns */
    public Set<String> pending() {
        return Set.copyOf(pending.keySet());
    }

    @Override
    public void start() {
        startLoop("upstream-forward-retrier", this::run);
    }

    private void run() {
        Map<String, Object> props = kafka.clientConfig();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-member-" + UUID.randomUUID());
        try (KafkaConsumer<String, UpstreamForward> c = new KafkaConsumer<>(props, new StringDeserializer(),
                TopicSerdes.valueSerde(Topics.UPSTREAM_FORWARDS, registry).deserializer())) {
            wakes(c);
            if (c.partitionsFor(Topics.UPSTREAM_FORWARDS.name()).isEmpty()) {
                throw new IllegalStateException("topic " + Topics.UPSTREAM_FORWARDS.name()
                        + " does not exist: run the provisioning step (it creates the topic catalogue)");
            }
            ownership = new OwnedPartitions(c, this::forget);
            c.subscribe(List.of(Topics.UPSTREAM_FORWARDS.name()), ownership);
            while (running()) {
                read(c);
                if (decisions.caughtUp()) {
                    retryDue();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("upstream forward retrier stopped: this replica no longer retries EHR forwards", e);
        } finally {
            if (ownership != null) {
                ownership.clear();
            }
        }
    }

    private void read(KafkaConsumer<String, UpstreamForward> c) {
        try {
            for (ConsumerRecord<String, UpstreamForward> r : c.poll(Duration.ofMillis(200))) {
                if (r.value() == null) {
                    pending.remove(r.key());
                } else if (!inFlight.contains(r.key())) { // an attempt in flight writes a newer state itself
                    pending.put(r.key(), r.value());
                }
                partitionOf.put(r.key(), r.partition());
            }
        } catch (RecordDeserializationException e) {
            log.warn("skipping undecodable {} record at {}@{}: {}", Topics.UPSTREAM_FORWARDS.name(), e.topicPartition(),
                    e.offset(), e.getMessage());
            c.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        for (TopicPartition tp : ownership.caughtUp()) {
            log.info("retrying the EHR forwards of {} partition {}", Topics.UPSTREAM_FORWARDS.name(), tp.partition());
        }
    }

    private void retryDue() {
        long now = clock.millis();
        for (UpstreamForward f : List.copyOf(pending.values())) {
            String id = f.getAppointmentId();
            Integer partition = partitionOf.get(id);
            if (partition == null || !ownership.owns(partition) || f.getNextAttemptAt().toEpochMilli() > now
                    || !inFlight.add(id)) {
                continue;
            }
            if (pending.get(id) != f) { // an attempt that ended after the copy above has replaced (or settled) it
                inFlight.remove(id);
                continue;
            }
            Thread.ofVirtual().name("upstream-retry-" + id).start(() -> {
                try {
                    reconciler.retry(f).ifPresentOrElse(next -> pending.put(id, next), () -> pending.remove(id));
                } catch (RuntimeException e) {
                    log.warn("retry of the EHR forward of Appointment {} failed, trying again in {}: {}", id, BACKOFF,
                            e.toString());
                    pending.computeIfPresent(id, (k, v) -> UpstreamForward.newBuilder(v)
                            .setNextAttemptAt(clock.instant().plus(BACKOFF)).build());
                } finally {
                    inFlight.remove(id);
                }
            });
        }
    }

    /** A partition this replica no longer owns: its forwards are the next owner's. */
    private void forget(int partition) {
        partitionOf.entrySet().removeIf(e -> {
            if (e.getValue() == partition) {
                pending.remove(e.getKey());
                return true;
            }
            return false;
        });
    }
}
