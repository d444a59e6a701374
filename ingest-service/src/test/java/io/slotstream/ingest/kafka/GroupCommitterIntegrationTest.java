package io.slotstream.ingest.kafka;

import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Group commit against the real broker: shared transactions, sets never split, one bad set fails alone. */
@Timeout(120)
class GroupCommitterIntegrationTest {

    @Test
    void concurrentSetsAllLandAndABadSetFailsAlone() throws Exception {
        LocalStack stack = SharedStack.get();
        String topic = "group-commit-" + UUID.randomUUID();
        try (var admin = stack.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        var factory = new DefaultKafkaProducerFactory<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        factory.setTransactionIdPrefix("group-commit-test-" + UUID.randomUUID() + "-");
        List<CompletableFuture<Void>> good = new ArrayList<>();
        CompletableFuture<Void> bad = null;
        try (GroupCommitter committer = new GroupCommitter(new KafkaTemplate<>(factory), 1, 5_000)) {
            for (int set = 0; set < 40; set++) {
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    records.add(new ProducerRecord<>(topic, "set" + set + "-" + i, new byte[]{(byte) set}));
                }
                good.add(committer.submit(records));
                if (set == 20) {
                    // Larger than the producer's max.request.size (1 MiB): this set cannot be sent.
                    bad = committer.submit(List.of(new ProducerRecord<>(topic, "too-large", new byte[2 * 1024 * 1024])));
                }
            }
            CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get();
            assertThat(bad).failsWithin(Duration.ofSeconds(60));
        } finally {
            factory.destroy();
        }

        Set<String> committed = new HashSet<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "group-commit-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (committed.size() < 120 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> committed.add(r.key()));
            }
        }
        assertThat(committed).hasSize(120).doesNotContain("too-large");
    }
}
