package io.slotstream.ingest;

import io.slotstream.avro.AuditEvent;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Source writes are audited on audit.events.v1 (real broker + registry): an accepted PUT and a refused one, read back
 * from the topic with the Avro deserializer and checked field by field.
 */
class IngestAuditIntegrationTest extends IntakeTestSupport {

    // the intake tests' one Spring context: a second one would stay alive in the context cache and join the feed
    // ownership group, taking feeds the feed tests subscribe
    private static final LocalStack stack = SharedStack.get();

    @Test
    void acceptedAndRefusedWritesAreAuditedWithWhoWhatOutcomeWhenWhere() throws Exception {
        String source = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        Instant before = Instant.now();
        HttpResponse<String> written = put("/fhir/Location/loc-1", Fixtures.location("loc-1"), source);
        assertThat(written.statusCode()).as(written.body()).isIn(200, 201);
        assertThat(put("/fhir/Location/loc-2", "{\"resourceType\":\"Location\",", source).statusCode()).isEqualTo(400);

        List<AuditEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, AuditEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringDeserializer(),
                TopicSerdes.valueSerde(Topics.AUDIT_EVENTS, new RegistrySettings(stack.registryApiUrl(), false)).deserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, Topics.AUDIT_EVENTS.partitions())
                    .mapToObj(p -> new TopicPartition(Topics.AUDIT_EVENTS.name(), p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (source.equals(r.key())) {
                        events.add(r.value());
                    }
                });
                return events.size() >= 2;
            });
        }

        assertThat(events).hasSize(2);
        AuditEvent accepted = events.stream().filter(e -> "loc-1".equals(e.getEntityId())).findFirst().orElseThrow();
        assertThat(accepted.getService()).isEqualTo("ingest-service");
        assertThat(accepted.getInteraction()).isEqualTo("update");
        assertThat(accepted.getAction()).isEqualTo("U");
        assertThat(accepted.getMethod()).isEqualTo("PUT");
        assertThat(accepted.getPath()).isEqualTo("/fhir/Location/loc-1");
        assertThat(accepted.getEntityType()).isEqualTo("Location");
        assertThat(accepted.getHttpStatus()).isIn(200, 201);
        assertThat(accepted.getOutcome()).isZero();
        assertThat(accepted.getDescription()).isNull();
        assertThat(accepted.getSource()).isEqualTo(source);
        assertThat(accepted.getClientId()).as("request security is off in the module tests").isNull();
        assertThat(accepted.getNetworkAddress()).isEqualTo("127.0.0.1");
        assertThat(accepted.getPatient()).isNull();
        assertThat(accepted.getRecorded()).isBetween(before, Instant.now());

        AuditEvent refused = events.stream().filter(e -> "loc-2".equals(e.getEntityId())).findFirst().orElseThrow();
        assertThat(refused.getHttpStatus()).isEqualTo(400);
        assertThat(refused.getOutcome()).isEqualTo(4);
        assertThat(refused.getDescription()).isEqualTo("HTTP 400 Bad Request");
        assertThat(refused.getInteraction()).isEqualTo("update");
    }
}
