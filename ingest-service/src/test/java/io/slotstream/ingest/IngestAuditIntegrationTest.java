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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IngestAuditIntegrationTest {

    static LocalStack stack;

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        stack = SharedStack.get();
        registry.add("slotstream.kafka.bootstrap-servers", stack::bootstrapServers);
        registry.add("slotstream.registry.url", stack::registryApiUrl);
    }

    @LocalServerPort
    int port;

    @Test
    void acceptedAndRefusedWritesAreAuditedWithWhoWhatOutcomeWhenWhere() throws Exception {
        String source = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        Instant before = Instant.now();
        HttpResponse<String> written = put("/fhir/Location/loc-1", source, Fixtures.location("loc-1"));
        assertThat(written.statusCode()).as(written.body()).isIn(200, 201);
        assertThat(put("/fhir/Location/loc-2", source, "{\"resourceType\":\"Location\",").statusCode()).isEqualTo(400);

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

    private HttpResponse<String> put(String path, String source, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Content-Type", "application/fhir+json").header("X-Slotstream-Source", source)
                            .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
