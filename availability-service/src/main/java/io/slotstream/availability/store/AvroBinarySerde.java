package io.slotstream.availability.store;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Plain Avro binary (no registry, no header) for one generated class: the format of local state stores, their
 * changelogs, internal query responses and the TopologyTestDriver tests. The writer schema is always the class's own,
 * so bytes written by one build are only readable by a build with the same schema: after a schema change of a stored
 * type, reset the application (see README, "State format"). Deterministic, which the foreign-key join relies on (it
 * hashes the serialized left value). Thread-safe. A null value is a tombstone (null bytes).
 *
 * @param <T> the generated SpecificRecord class
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    /** @param type the generated class; its {@code SCHEMA$} is the reader and writer schema */
    public AvroBinarySerde(Class<T> type) {
        this.schema = SpecificData.get().getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema);
        this.reader = new SpecificDatumReader<>(schema);
    }

    /** @return Avro binary of the record, or null for null */
    public byte[] toBytes(T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " as Avro binary", e);
        }
    }

    /** @return the record, or null for null bytes; @throws SerializationException when the bytes do not decode */
    public T fromBytes(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read " + schema.getFullName() + " from Avro binary", e);
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
        // nothing to configure: the schema is the class's
    }

    @Override
    public void close() {
        // stateless
    }
}
