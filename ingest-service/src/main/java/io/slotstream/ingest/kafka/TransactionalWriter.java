package io.slotstream.ingest.kafka;

import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a list of records as one Kafka transaction (design.md "Exactly once": a transaction Bundle lands in one Kafka
 * transaction). The producers are transactional (acks=all, idempotence; {@code KafkaConfig}), so when
 * {@link #write} returns, every record is replicated to the in-sync replicas and committed; when it throws, the
 * transaction is aborted and read_committed consumers see none of it. Values are serialised here, in the caller's
 * thread, with the Apicurio serdes (Confluent wire format, schemas pre-registered). Thread-safe: the template keeps a
 * pool of transactional producers, one per concurrent transaction.
 */
public final class TransactionalWriter {

    private final KafkaTemplate<String, byte[]> template;
    private final RegistrySettings registry;
    private final Map<String, Serializer<SpecificRecord>> serializers = new ConcurrentHashMap<>();

    public TransactionalWriter(KafkaTemplate<String, byte[]> template, RegistrySettings registry) {
        this.template = template;
        this.registry = registry;
        Topics.all().forEach(this::serializer);
    }

    /**
     * @param writes records in produce order; empty = no transaction at all
     * @return the serialised size of every value, in bytes, in the same order (0 for tombstones)
     * @throws WriteFailedException when serialisation, send or commit fails (the transaction is aborted)
     */
    public long[] write(List<KafkaWrite> writes) {
        long[] sizes = new long[writes.size()];
        if (writes.isEmpty()) {
            return sizes;
        }
        byte[][] values = new byte[writes.size()][];
        try {
            for (int i = 0; i < writes.size(); i++) {
                KafkaWrite w = writes.get(i);
                values[i] = w.value() == null ? null : serializer(w.topic()).serialize(w.topic().name(), w.value());
                sizes[i] = values[i] == null ? 0 : values[i].length;
            }
            template.executeInTransaction(ops -> {
                for (int i = 0; i < writes.size(); i++) {
                    ops.send(writes.get(i).topic().name(), writes.get(i).key(), values[i]);
                }
                return null; // commitTransaction flushes and fails when any send failed
            });
        } catch (RuntimeException e) {
            throw new WriteFailedException("Kafka transaction of " + writes.size() + " record(s) failed: " + e.getMessage(), e);
        }
        return sizes;
    }

    @SuppressWarnings("unchecked")
    private Serializer<SpecificRecord> serializer(Topic<?> topic) {
        return serializers.computeIfAbsent(topic.name(),
                name -> (Serializer<SpecificRecord>) TopicSerdes.valueSerde(topic, registry).serializer());
    }
}
