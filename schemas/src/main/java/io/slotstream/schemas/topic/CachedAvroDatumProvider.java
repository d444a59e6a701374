package io.slotstream.schemas.topic;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apicurio's datum provider with its writers and readers cached by schema instance. The default provider computes a
 * schema fingerprint (a full parsing-canonical-form walk) for every record it serialises or deserialises; that was
 * about a tenth of ingest-service's CPU. Avro caches {@link Schema#hashCode()} and compares identical instances by
 * reference, so a lookup here costs a hash-map probe. Configured by {@link RegistrySettings#serdeConfig()}.
 *
 * @param <T> the record type
 */
public final class CachedAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    /** Beyond this many schemas (never reached with the catalogue's handful) lookups fall through uncached. */
    private static final int MAX_ENTRIES = 1_000;

    private record WriterKey(Schema schema, Class<?> type) {
    }

    private final Map<WriterKey, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final Map<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        WriterKey key = new WriterKey(schema, data == null ? null : data.getClass());
        DatumWriter<T> writer = writers.get(key);
        if (writer == null) {
            writer = super.createDatumWriter(data, schema);
            if (writers.size() < MAX_ENTRIES) {
                writers.put(key, writer);
            }
        }
        return writer;
    }

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        DatumReader<T> reader = readers.get(schema);
        if (reader == null) {
            reader = super.createDatumReader(schema);
            if (readers.size() < MAX_ENTRIES) {
                readers.put(schema, reader);
            }
        }
        return reader;
    }
}
