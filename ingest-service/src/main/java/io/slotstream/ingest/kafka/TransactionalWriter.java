package io.slotstream.ingest.kafka;

import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;

/**
 * Writes a list of records as one Kafka transaction (design.md "Exactly once": a transaction Bundle lands in one Kafka
 * transaction). The producers are transactional (acks=all, idempotence; {@code KafkaConfig}), so when
 * {@link #write} returns, every record is replicated to the in-sync replicas and committed; when it throws, the
 * transaction is aborted and read_committed consumers see none of it. Values are serialised here, in the caller's
 * thread, with the Apicurio serdes (Confluent wire format, schemas pre-registered). Concurrent writes share
 * transactions through a {@link GroupCommitter}; a write's records are never split. Thread-safe.
 */
public final class TransactionalWriter implements AutoCloseable {

    private final RegistrySettings registry;
    private final Map<String, Serializer<SpecificRecord>> serializers = new ConcurrentHashMap<>();
    private final GroupCommitter committer;

    /**
     * @param maxConcurrentTransactions at least 1: how many transactions (and transactional producers) run at once
     * @param maxRecordsPerTransaction  at least 1: a shared transaction stops taking queued writes at this many records
     */
    public TransactionalWriter(KafkaTemplate<String, byte[]> template, RegistrySettings registry,
                               int maxConcurrentTransactions, int maxRecordsPerTransaction) {
        if (maxConcurrentTransactions < 1 || maxRecordsPerTransaction < 1) {
            throw new IllegalArgumentException("slotstream.ingest.kafka.max-concurrent-transactions and "
                    + "max-records-per-transaction must be at least 1");
        }
        this.registry = registry;
        this.committer = new GroupCommitter(template, maxConcurrentTransactions, maxRecordsPerTransaction);
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
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(writes.size());
        try {
            for (int i = 0; i < writes.size(); i++) {
                KafkaWrite w = writes.get(i);
                byte[] value = w.value() == null ? null : serializer(w.topic()).serialize(w.topic().name(), w.value());
                sizes[i] = value == null ? 0 : value.length;
                records.add(new ProducerRecord<>(w.topic().name(), w.key(), value));
            }
            committer.submit(records).join();
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new WriteFailedException("Kafka transaction of " + writes.size() + " record(s) failed: " + cause.getMessage(), cause);
        }
        return sizes;
    }

    /** Commits what is queued and stops the committers (on shutdown). */
    @Override
    public void close() {
        committer.close();
    }

    @SuppressWarnings("unchecked")
    private Serializer<SpecificRecord> serializer(Topic<?> topic) {
        return serializers.computeIfAbsent(topic.name(),
                name -> (Serializer<SpecificRecord>) TopicSerdes.valueSerde(topic, registry).serializer());
    }
}
