package io.slotstream.schemas.topic;

import io.apicurio.registry.serde.avro.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes for catalogue topics: String keys, Avro values through the Apicurio serdes in the Confluent wire format
 * ({@link RegistrySettings#serdeConfig()}). The registry is contacted on first use, not here.
 */
public final class TopicSerdes {

    private TopicSerdes() {
    }

    /**
     * A value serde for the topic, configured as a value (not key) serde with {@code settings.serdeConfig()}. The
     * deserializer returns instances of {@code topic.valueClass()} (specific Avro reader); null bytes give null
     * (tombstones). The caller owns the serde and should close it.
     *
     * @throws NullPointerException when an argument is null
     */
    public static <V extends SpecificRecord> Serde<V> valueSerde(Topic<V> topic, RegistrySettings settings) {
        java.util.Objects.requireNonNull(topic, "topic");
        AvroSerde<V> serde = new AvroSerde<>();
        serde.configure(settings.serdeConfig(), false);
        return serde;
    }

    /** @return the key serde of every catalogue topic: UTF-8 Strings (canonical ids, or source ids for dead letters) */
    public static Serde<String> keySerde() {
        return Serdes.String();
    }
}
