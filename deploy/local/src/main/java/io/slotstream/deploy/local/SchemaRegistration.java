package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificData;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers every topic's value schema in the registry before any service writes, under the subject
 * {@code <topic>-value} (the Confluent TopicNameStrategy, which the Apicurio serdes' TopicIdStrategy matches), with
 * a BACKWARD_TRANSITIVE compatibility rule on each subject and as the registry's global default (design.md, "Wire format").
 */
final class SchemaRegistration {

    static final String COMPATIBILITY = "BACKWARD_TRANSITIVE";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RegistryServer registry;

    SchemaRegistration(RegistryServer registry) {
        this.registry = registry;
    }

    /**
     * Registers all schemas of {@link Topics#all()}.
     *
     * @return subject to the registry's schema id (the content id that Confluent-format records carry)
     * @throws StackException when the registry rejects a schema (for example an incompatible change)
     */
    Map<String, Integer> registerAll() {
        send("PUT", registry.ccompatUrl() + "/config", "{\"compatibility\":\"" + COMPATIBILITY + "\"}");
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Topic<?> topic : Topics.all()) {
            String subject = topic.name() + "-value";
            String schema = SpecificData.get().getSchema(topic.valueClass()).toString();
            JsonNode created = send("POST", registry.ccompatUrl() + "/subjects/" + subject + "/versions",
                    JSON.createObjectNode().put("schema", schema).toString());
            send("PUT", registry.ccompatUrl() + "/config/" + subject, "{\"compatibility\":\"" + COMPATIBILITY + "\"}");
            ids.put(subject, created.path("id").asInt());
        }
        return ids;
    }

    private JsonNode send(String method, String url, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new StackException("schema registry refused " + method + " " + url + ": HTTP "
                        + response.statusCode() + " " + response.body().strip());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new StackException("schema registry unreachable at " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while registering schemas", e);
        }
    }
}
