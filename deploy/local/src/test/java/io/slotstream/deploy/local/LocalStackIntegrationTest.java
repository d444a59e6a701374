package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.schemas.topic.CleanupPolicy;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared stack provisions the catalogue and the registry enforces the compatibility rule. */
@Timeout(180)
class LocalStackIntegrationTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void createsEveryCatalogueTopicWithItsPartitionsAndCleanupPolicy() throws Exception {
        LocalStack stack = SharedStack.get();
        try (Admin admin = stack.admin()) {
            List<String> names = Topics.all().stream().map(Topic::name).toList();
            var descriptions = admin.describeTopics(names).allTopicNames().get();
            var configs = admin.describeConfigs(names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
            for (Topic<?> topic : Topics.all()) {
                TopicDescription description = descriptions.get(topic.name());
                assertThat(description.partitions()).as(topic.name()).hasSize(topic.partitions());
                String policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())).get("cleanup.policy").value();
                assertThat(policy).as(topic.name()).isEqualTo(topic.cleanupPolicy() == CleanupPolicy.COMPACT ? "compact" : "delete");
            }
        }
    }

    @Test
    void registersEverySchemaWithBackwardTransitiveAndRefusesAnIncompatibleChange() throws Exception {
        LocalStack stack = SharedStack.get();
        assertThat(stack.schemaIds()).hasSize(Topics.all().size());
        String subject = Topics.SLOT.name() + "-value";
        try (HttpClient http = HttpClient.newHttpClient()) {
            var config = http.send(HttpRequest.newBuilder(URI.create(stack.registryCcompatUrl() + "/config/" + subject)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.readTree(config.body()).path("compatibilityLevel").asText()).isEqualTo("BACKWARD_TRANSITIVE");

            // A required field without a default: readers of the new schema cannot read old records.
            String incompatible = "{\"type\":\"record\",\"name\":\"FhirSlot\",\"namespace\":\"io.slotstream.avro\","
                    + "\"fields\":[{\"name\":\"mandatoryNewField\",\"type\":\"string\"}]}";
            var refused = http.send(HttpRequest.newBuilder(URI.create(stack.registryCcompatUrl() + "/subjects/" + subject + "/versions"))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .POST(HttpRequest.BodyPublishers.ofString(json.createObjectNode().put("schema", incompatible).toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        }
    }

    @Test
    void listensOnLoopbackOnly() {
        LocalStack stack = SharedStack.get();
        assertThat(stack.settings().host()).isEqualTo("127.0.0.1");
        assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
        assertThat(stack.registryApiUrl()).startsWith("http://127.0.0.1:");
    }

    @Test
    void aTakenPortFailsWithOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "taken-port-" + System.nanoTime());
            assertThatThrownBy(() -> KafkaNode.start("127.0.0.1", port, Ports.free("127.0.0.1"), dataDir))
                    .isInstanceOf(StackException.class)
                    .hasMessage("port 127.0.0.1:" + port + " (Kafka broker listener) is already in use; stop what holds it or set --kafka-port");
        }
    }
}
