package io.slotstream.ingest.feed;

import io.slotstream.avro.FeedSubscription;
import io.slotstream.ingest.kafka.KafkaWrite;
import io.slotstream.ingest.kafka.TransactionalWriter;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The feed subscriptions, persisted on the compacted {@code ingest.feeds.v1} (key source id; tombstone =
 * unsubscribed), and which of them this replica polls. Two consumers: one reads every partition from the start (the
 * whole catalogue, for the admin API); one is a member of the replicas' consumer group {@code group-id}, and the
 * partitions the group assigns it are the feeds this replica polls, so each feed is polled by exactly one replica at a
 * time and a replica that stops hands its feeds over at the next rebalance. Writes go through the transactional
 * writer (ingest-service is the topic's single writer). Thread-safe.
 */
final class FeedSubscriptions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FeedSubscriptions.class);
    private static final Duration WRITE_VISIBLE_TIMEOUT = Duration.ofSeconds(15);

    private final Map<String, FeedSubscription> all = new ConcurrentHashMap<>();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final TransactionalWriter writer;
    private final KafkaConsumer<String, byte[]> catalogue;
    private final KafkaConsumer<String, byte[]> membership;
    private final Deserializer<FeedSubscription> deserializer;
    private final Thread catalogueThread;
    private final Thread membershipThread;
    private volatile int partitions;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    FeedSubscriptions(KafkaClientSettings kafka, RegistrySettings registry, TransactionalWriter writer, String groupId) {
        this.writer = writer;
        this.deserializer = TopicSerdes.valueSerde(Topics.FEEDS, registry).deserializer();
        this.catalogue = new KafkaConsumer<>(consumerProps(kafka, null), new StringDeserializer(), new ByteArrayDeserializer());
        this.membership = new KafkaConsumer<>(consumerProps(kafka, groupId), new StringDeserializer(), new ByteArrayDeserializer());
        this.catalogueThread = Thread.ofPlatform().daemon().name("feed-subscriptions").unstarted(this::readCatalogue);
        this.membershipThread = Thread.ofPlatform().daemon().name("feed-ownership").unstarted(this::holdMembership);
    }

    void start() {
        catalogueThread.start();
        membershipThread.start();
    }

    private static Properties consumerProps(KafkaClientSettings kafka, String groupId) {
        Properties p = new Properties();
        p.putAll(kafka.clientConfig());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-feeds-" + (groupId == null ? "catalogue" : "member") + "-" + UUID.randomUUID());
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return p;
    }

    private void readCatalogue() {
        try {
            List<TopicPartition> tps = catalogue.partitionsFor(Topics.FEEDS.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            partitions = tps.size();
            catalogue.assign(tps);
            catalogue.seekToBeginning(tps);
            Map<TopicPartition, Long> end = catalogue.endOffsets(tps);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : catalogue.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        all.remove(record.key());
                    } else {
                        all.put(record.key(), deserializer.deserialize(record.topic(), record.headers(), record.value()));
                    }
                }
                if (!caughtUp && tps.stream().allMatch(tp -> catalogue.position(tp) >= end.get(tp))) {
                    caughtUp = true;
                    log.info("feed subscriptions read: {} feed(s)", all.size());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("reading {} failed; feed subscriptions are no longer updated", Topics.FEEDS.name(), e);
        } finally {
            catalogue.close(Duration.ofSeconds(2));
        }
    }

    private void holdMembership() {
        try {
            membership.subscribe(List.of(Topics.FEEDS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    revoked.forEach(tp -> owned.remove(tp.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    assigned.forEach(tp -> owned.add(tp.partition()));
                    log.info("this replica polls the feeds of {} partition(s) of {}: {}", owned.size(), Topics.FEEDS.name(), owned);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    lost.forEach(tp -> owned.remove(tp.partition()));
                }
            });
            while (running) {
                membership.poll(Duration.ofMillis(500)); // records are read by the catalogue consumer
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            owned.clear();
            log.error("feed ownership lost: this replica stops polling feeds", e);
        } finally {
            owned.clear();
            membership.close(Duration.ofSeconds(2));
        }
    }

    /** @return whether the whole topic has been read once (before that, the catalogue may be incomplete) */
    boolean caughtUp() {
        return caughtUp;
    }

    /** @return whether this replica polls the feed of {@code source} now */
    boolean owns(String source) {
        int n = partitions;
        return n > 0 && owned.contains(Utils.toPositive(Utils.murmur2(source.getBytes(StandardCharsets.UTF_8))) % n);
    }

    Optional<FeedSubscription> get(String source) {
        return Optional.ofNullable(all.get(source));
    }

    Collection<FeedSubscription> all() {
        return List.copyOf(all.values());
    }

    /**
     * Writes (or replaces) the subscription and waits until this replica has read it back.
     *
     * @throws io.slotstream.ingest.kafka.WriteFailedException when the write fails
     * @throws IllegalStateException when it is not read back within 15 s
     */
    void put(FeedSubscription subscription) {
        writer.write(List.of(new KafkaWrite(Topics.FEEDS, subscription.getSource(), subscription)));
        awaitVisible(subscription.getSource(), subscription);
    }

    /** Ends the subscription (tombstone) and waits until this replica has read it back. */
    void delete(String source) {
        writer.write(List.of(new KafkaWrite(Topics.FEEDS, source, null)));
        awaitVisible(source, null);
    }

    private void awaitVisible(String source, FeedSubscription expected) {
        long deadline = System.nanoTime() + WRITE_VISIBLE_TIMEOUT.toNanos();
        while (!Objects.equals(all.get(source), expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the write to " + Topics.FEEDS.name() + " was not read back within "
                        + WRITE_VISIBLE_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        catalogue.wakeup();
        membership.wakeup();
        try {
            catalogueThread.join(5000);
            membershipThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deserializer.close();
    }
}
