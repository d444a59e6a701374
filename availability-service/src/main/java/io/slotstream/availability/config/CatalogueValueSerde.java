package io.slotstream.availability.config;

import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/**
 * Value serde the binder uses for a catalogue topic and for the stores it materializes from it (the schedules table,
 * the global tables). Catalogue topics get the registry format (Apicurio, Confluent wire format, schemas registered by
 * the deploy step, auto-register off); any other topic (store changelogs such as {@code <app>-schedules-changelog},
 * which have no registered schema) gets plain Avro binary. Reading tells the two apart by the first byte: the wire
 * format starts with magic byte 0, plain Avro of these records starts with the length of a non-empty id string (never
 * 0). Configured once when built: the binder's later {@code configure} calls (with its Streams config) are ignored.
 */
public final class CatalogueValueSerde<T extends SpecificRecord> implements Serde<T> {

    private final Serializer<T> registrySerializer;
    private final Deserializer<T> registryDeserializer;
    private final AvroBinarySerde<T> plain;

    /**
     * The value serde of a catalogue topic for a Kafka Streams binding: registry format with the specific Avro reader,
     * immune to the binder's later {@code configure} call (which would otherwise replace the registry settings and make
     * the deserializer return {@code GenericData.Record}s).
     */
    public static <V extends SpecificRecord> Serde<V> forTopic(Topic<V> topic, RegistrySettings settings) {
        return new CatalogueValueSerde<>(TopicSerdes.valueSerde(topic, settings), topic.valueClass());
    }

    CatalogueValueSerde(Serde<T> registry, Class<T> type) {
        this.registrySerializer = registry.serializer();
        this.registryDeserializer = registry.deserializer();
        this.plain = new AvroBinarySerde<>(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // already configured
    }

    @Override
    public Serializer<T> serializer() {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T data) {
                return Topics.byName(topic).isPresent() ? registrySerializer.serialize(topic, data) : plain.toBytes(data);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, T data) {
                return Topics.byName(topic).isPresent() ? registrySerializer.serialize(topic, headers, data)
                        : plain.toBytes(data);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] data) {
                return isWireFormat(data) ? registryDeserializer.deserialize(topic, data) : plain.fromBytes(data);
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] data) {
                return isWireFormat(data) ? registryDeserializer.deserialize(topic, headers, data) : plain.fromBytes(data);
            }
        };
    }

    private static boolean isWireFormat(byte[] data) {
        return data != null && data.length >= 5 && data[0] == 0;
    }
}
