package io.slotstream.ingest;

import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Base of the intake's integration tests: one Spring context (shared by every subclass through the context cache)
 * against the real local stack, an HTTP client, and a read_committed consumer that decodes with the Apicurio serdes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class IntakeTestSupport {

    protected static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        LocalStack stack = SharedStack.get();
        registry.add("slotstream.kafka.bootstrap-servers", stack::bootstrapServers);
        registry.add("slotstream.registry.url", stack::registryApiUrl);
        registry.add("slotstream.ingest.store.state-dir",
                () -> Path.of(System.getProperty("java.io.tmpdir"), "ingest-state-" + UUID.randomUUID()).toString());
        registry.add("slotstream.ingest.max-body-bytes", () -> "2MB");
        // Feed tests poll publishers they run themselves: faster than sched-6's once a minute is fine there.
        registry.add("slotstream.ingest.feed-polling.minimum-interval", () -> "1s");
        registry.add("slotstream.ingest.feed-polling.retry-backoff", () -> "100ms");
    }

    @LocalServerPort
    protected int port;

    /** A fresh source id per test, so tests never see each other's keys on the shared topics. */
    protected static String newSource() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    protected HttpResponse<String> send(String method, String path, String body, String contentType, String source)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (source != null) {
            b.header("X-Slotstream-Source", source);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> put(String path, String body, String source) throws Exception {
        return send("PUT", path, body, "application/fhir+json", source);
    }

    protected HttpResponse<String> post(String body, String source) throws Exception {
        return send("POST", "/fhir", body, "application/fhir+json", source);
    }

    protected HttpResponse<String> get(String path, String source) throws Exception {
        return send("GET", path, null, null, source);
    }

    /**
     * Reads the whole topic with isolation.level=read_committed (up to the last stable offset) and returns the
     * records whose key matches.
     */
    protected static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readCommitted(Topic<V> topic,
                                                                                            Predicate<String> keys) {
        LocalStack stack = SharedStack.get();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        RegistrySettings registry = new RegistrySettings(stack.registryApiUrl(), false);
        Deserializer<V> values = TopicSerdes.valueSerde(topic, registry).deserializer();
        List<ConsumerRecord<String, V>> found = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, TopicSerdes.keySerde().deserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("timed out reading " + topic.name());
                }
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (keys.test(r.key())) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }
}
