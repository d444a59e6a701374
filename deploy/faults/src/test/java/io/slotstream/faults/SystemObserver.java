package io.slotstream.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.FhirAppointment;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.faults.checker.FinalState;
import io.slotstream.faults.checker.FinalState.AppointmentState;
import io.slotstream.faults.checker.FinalState.Listing;
import io.slotstream.faults.checker.FinalState.SlotState;
import io.slotstream.schemas.identity.CanonicalId;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads what the system ends with from its outside, for one source: the topics with plain consumers (read_committed,
 * from the start to the end offsets) and the schemas module's Avro types, the view through its public search, the
 * publication through {@code $bulk-publish} over HTTP. Shares no code with the services' decisions.
 */
final class SystemObserver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final RegistrySettings registry;
    private final String source;
    private final String scheduleId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SystemObserver(String bootstrapServers, String registryApiUrl, String source, String scheduleId) {
        this.bootstrapServers = bootstrapServers;
        this.registry = new RegistrySettings(registryApiUrl, false);
        this.source = source;
        this.scheduleId = scheduleId;
    }

    /** Everything, read now. */
    FinalState observe(String availabilityUrl, String publishUrl) throws IOException, InterruptedException {
        Map<String, SlotState> topic = new HashMap<>();
        readToEnd(Topics.SLOT_AVAILABILITY, (key, value) -> {
            if (key.startsWith(source + ".")) {
                if (value == null) {
                    topic.remove(key);
                } else {
                    topic.put(key, new SlotState(version(value.getSlot().getComment()), code(value.getEffectiveStatus().name()),
                            value.getAppointmentId()));
                }
            }
        });
        Map<String, AppointmentState> appointments = new HashMap<>();
        readToEnd(Topics.APPOINTMENT, (key, value) -> {
            if (value == null) {
                appointments.remove(key);
            } else if (value.getProvenance().getSource().equals(source)) {
                appointments.put(key, new AppointmentState(value.getStatus(),
                        value.getSlots().stream().map(s -> s.substring(s.indexOf('/') + 1)).toList()));
            }
        });
        List<String> deadLetters = new ArrayList<>();
        readToEnd(Topics.DEAD_LETTER, (key, value) -> {
            if (value != null && value.getSource().equals(source)) {
                deadLetters.add(value.getResourceId() == null ? source + ".?" : CanonicalId.of(source, value.getResourceId()));
            }
        });
        return new FinalState(topic, view(availabilityUrl), publication(publishUrl), appointments, deadLetters);
    }

    private <V extends SpecificRecord> void readToEnd(Topic<V> topic, BiConsumer<String, V> onRecord) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                TopicSerdes.valueSerde(topic, registry).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end within 60 s");
                }
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
                    onRecord.accept(record.key(), record.value());
                }
            }
        }
    }

    /** The view's search listing of the schedule, every page. */
    private Listing view(String availabilityUrl) throws IOException, InterruptedException {
        Map<String, SlotState> slots = new HashMap<>();
        List<String> repeated = new ArrayList<>();
        String next = availabilityUrl + "/fhir/Slot?schedule=" + URLEncoder.encode("Schedule/" + scheduleId, StandardCharsets.UTF_8)
                + "&_count=1000";
        while (next != null) {
            JsonNode page = JSON.readTree(get(next));
            for (JsonNode entry : page.path("entry")) {
                JsonNode slot = entry.path("resource");
                if (slot.path("resourceType").asText().equals("Slot")) {
                    add(slots, repeated, slot);
                }
            }
            next = null;
            for (JsonNode link : page.path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    next = link.path("url").asText();
                }
            }
        }
        return new Listing(slots, repeated);
    }

    /** The Slot lines of the current full publication. */
    private Listing publication(String publishUrl) throws IOException, InterruptedException {
        Map<String, SlotState> slots = new HashMap<>();
        List<String> repeated = new ArrayList<>();
        JsonNode manifest = JSON.readTree(get(publishUrl + "/$bulk-publish"));
        for (JsonNode output : manifest.path("output")) {
            if (!output.path("type").asText().equals("Slot")) {
                continue;
            }
            for (String line : get(output.path("url").asText()).split("\n")) {
                if (!line.isBlank()) {
                    JsonNode slot = JSON.readTree(line);
                    if (slot.path("id").asText().startsWith(source + ".")) {
                        add(slots, repeated, slot);
                    }
                }
            }
        }
        return new Listing(slots, repeated);
    }

    private static void add(Map<String, SlotState> slots, List<String> repeated, JsonNode slot) {
        String id = slot.path("id").asText();
        SlotState state = new SlotState(version(slot.path("comment").asText(null)), slot.path("status").asText(), null);
        if (slots.putIfAbsent(id, state) != null) {
            repeated.add(id);
        }
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** The load writes {@code v<N>} into Slot.comment; -2 when a reader shows none (never equal to a real version). */
    static long version(String comment) {
        return comment != null && comment.startsWith("v") ? Long.parseLong(comment.substring(1)) : -2;
    }

    /** Avro enum name (BUSY_UNAVAILABLE) to the FHIR code (busy-unavailable). */
    private static String code(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
