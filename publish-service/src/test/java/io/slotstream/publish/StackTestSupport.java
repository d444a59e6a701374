package io.slotstream.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * One Spring context for every stack test class (same properties = cached context): the service against the shared
 * real broker + registry, a fast snapshot cadence, and helpers to produce records and read the publication over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "slotstream.publish.snapshot-interval=300ms",
        "slotstream.publish.since-overlap=0s",
        "slotstream.publish.retain-previous=2m",
        "slotstream.publish.cache-max-age=120s"})
public abstract class StackTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, byte[]> producer;

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) throws IOException {
        LocalStack stack = SharedStack.get();
        registry.add("slotstream.kafka.bootstrap-servers", stack::bootstrapServers);
        registry.add("slotstream.registry.url", stack::registryApiUrl);
        String dir = Files.createTempDirectory("publish-it").toString();
        registry.add("slotstream.publish.dir", () -> dir);
    }

    @LocalServerPort
    protected int port;

    protected final HttpClient http = HttpClient.newHttpClient();

    protected String base() {
        return "http://127.0.0.1:" + port;
    }

    protected static synchronized <V extends SpecificRecord> void produce(Topic<V> topic, Map<String, V> records) {
        LocalStack stack = SharedStack.get();
        if (producer == null) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        try (Serializer<V> values = TopicSerdes.valueSerde(topic, new RegistrySettings(stack.registryApiUrl(), false)).serializer()) {
            records.forEach((key, value) -> producer.send(new ProducerRecord<>(topic.name(), key,
                    value == null ? null : values.serialize(topic.name(), value))));
        }
        producer.flush();
    }

    @AfterAll
    static synchronized void closeProducer() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    protected HttpResponse<String> get(String url, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : base() + url)).GET(), headers);
    }

    protected HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A manifest and the resources of its files ("Type/id" -> line). */
    protected record Publication(JsonNode manifest, Map<String, String> resources) {
        public String transactionTime() {
            return manifest.path("transactionTime").asText();
        }
    }

    /** Reads the manifest at that URL (path or absolute) and every file in it. */
    protected Publication read(String manifestPath) {
        HttpResponse<String> response = get(manifestPath);
        if (response.statusCode() != 200) {
            return null;
        }
        JsonNode manifest = json(response.body());
        Map<String, String> resources = new TreeMap<>();
        for (JsonNode output : manifest.path("output")) {
            for (String line : get(output.path("url").asText()).body().split("\n")) {
                if (!line.isEmpty()) {
                    JsonNode resource = json(line);
                    resources.put(resource.path("resourceType").asText() + "/" + resource.path("id").asText(), line);
                }
            }
        }
        return new Publication(manifest, resources);
    }

    /** Waits up to 90 s for the full publication to satisfy the condition. */
    protected Publication await(Predicate<Map<String, String>> condition) {
        AtomicReference<Publication> last = new AtomicReference<>();
        return Awaitility.await("the publication to satisfy the condition").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    last.set(read("/$bulk-publish"));
                    return last.get();
                }, publication -> publication != null && condition.test(publication.resources()));
    }

    /**
     * Waits up to 90 s for the publication to be at rest: the manifest's ETag unchanged for 1.5 s (five cadences), so
     * the cuts a change leaves behind (the delta's last cut, quiet group refreshes) are done; returns that ETag.
     */
    protected String awaitAtRest() {
        AtomicReference<String> previous = new AtomicReference<>("");
        Awaitility.await("the publication to be at rest").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .during(Duration.ofMillis(1500))
                .until(() -> {
                    String etag = get("/$bulk-publish").headers().firstValue("ETag").orElse("none");
                    return etag.equals(previous.getAndSet(etag));
                });
        return previous.get();
    }

    protected static List<String> lines(String body) {
        return body.lines().filter(l -> !l.isEmpty()).toList();
    }
}
