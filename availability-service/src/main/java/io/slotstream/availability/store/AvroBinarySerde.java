package io.slotstream.availability.store;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Avro single-object encoding (Avro specification, "Single-object encoding": marker {@code C3 01}, the writer
 * schema's 8-byte CRC-64-AVRO fingerprint, little-endian, then Avro binary) for one generated class: the format of
 * local state stores, their changelogs, internal topics and internal query responses. Every value names its writer
 * schema, and the reader resolves it against the schemas it knows (the class's current schema and every released
 * version, {@link KnownSchemas}), so
 * state written by an older build stays readable after a BACKWARD-compatible change of the record: no application
 * reset. Deterministic (the foreign-key join hashes the serialized left value). Thread-safe. Null is a tombstone.
 *
 * @param <T> the generated SpecificRecord class
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /** @param type the generated class; its {@code SCHEMA$} is the writer and reader schema */
    public AvroBinarySerde(Class<T> type) {
        this(type, List.of());
    }

    /**
     * @param type         the generated class
     * @param olderWriters further writer schemas to accept besides the current and the released ones (tests, or a
     *                     schema not released yet)
     */
    public AvroBinarySerde(Class<T> type, Collection<Schema> olderWriters) {
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        KnownSchemas.releasedWriters(schema).forEach(decoder::addSchema);
        olderWriters.forEach(decoder::addSchema);
    }

    /** @return the single-object encoding of the record, or null for null */
    public byte[] toBytes(T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            encoder.encode(value, out);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " as Avro", e);
        }
    }

    /**
     * @return the record (resolved from its writer schema to the current one), or null for null bytes
     * @throws SerializationException when the bytes are not single-object encoded, name a writer schema this build
     *                                does not know, or do not decode
     */
    public T fromBytes(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new SerializationException("cannot read " + schema.getFullName() + ": unknown writer schema ("
                    + e.getMessage() + "); release it in schemas/src/main/released-schemas", e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read " + schema.getFullName() + " from Avro", e);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return toBytes(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return fromBytes(data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schemas are the class's and the released ones
    }

    @Override
    public void close() {
        // stateless
    }
}
