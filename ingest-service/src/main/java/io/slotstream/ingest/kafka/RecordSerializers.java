package io.slotstream.ingest.kafka;

import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro values to bytes with the Apicurio serdes (Confluent wire format, schemas pre-registered, never registered
 * here), one serializer per catalogue topic. Runs in the request's thread, so the single writer thread only sends.
 * Thread-safe.
 */
public final class RecordSerializers {

    private final RegistrySettings registry;
    private final Map<String, Serializer<SpecificRecord>> serializers = new ConcurrentHashMap<>();

    public RecordSerializers(RegistrySettings registry) {
        this.registry = registry;
        Topics.all().forEach(this::serializer);
    }

    /**
     * @return the value's bytes as written to {@code topic}
     * @throws WriteFailedException when the registry does not know the schema (nothing was written)
     */
    public byte[] serialize(Topic<?> topic, SpecificRecord value) {
        try {
            return serializer(topic).serialize(topic.name(), value);
        } catch (RuntimeException e) {
            throw new WriteFailedException("cannot serialise a " + topic.valueClass().getSimpleName() + " for " + topic.name()
                    + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private Serializer<SpecificRecord> serializer(Topic<?> topic) {
        return serializers.computeIfAbsent(topic.name(),
                name -> (Serializer<SpecificRecord>) TopicSerdes.valueSerde(topic, registry).serializer());
    }
}
