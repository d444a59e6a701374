package io.slotstream.ingest.kafka;

import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.ordering.WriteSequencer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes records of ingest's other topics (for example {@code ingest.feeds.v1}) as one Kafka transaction through the
 * same single writer as the fhir.* writes ({@link WriteSequencer}: one transactional producer, the writer lease), so
 * when {@link #write} returns every record is committed, and when it throws none is visible to read_committed
 * consumers. {@code fhir.*.v1} records are refused here: they go through {@code IntakeService} and the ordering rule.
 * Thread-safe.
 */
public final class TransactionalWriter {

    private final WriteSequencer sequencer;
    private final RecordSerializers serializers;

    public TransactionalWriter(WriteSequencer sequencer, RecordSerializers serializers) {
        this.sequencer = sequencer;
        this.serializers = serializers;
    }

    /**
     * @param writes records in produce order; empty = no transaction at all
     * @return the serialised size of every value, in bytes, in the same order (0 for tombstones)
     * @throws IllegalArgumentException when a record is for a fhir.*.v1 topic
     * @throws WriteFailedException     when serialisation, send or commit fails (nothing was written)
     */
    public long[] write(List<KafkaWrite> writes) {
        long[] sizes = new long[writes.size()];
        if (writes.isEmpty()) {
            return sizes;
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            KafkaWrite w = writes.get(i);
            if (Arrays.stream(ResourceKind.values()).anyMatch(k -> k.topic().name().equals(w.topic().name()))) {
                throw new IllegalArgumentException(w.topic().name() + " is written through IntakeService (the ordering rule)");
            }
            byte[] value = w.value() == null ? null : serializers.serialize(w.topic(), w.value());
            sizes[i] = value == null ? 0 : value.length;
            records.add(new ProducerRecord<>(w.topic().name(), w.key(), value));
        }
        sequencer.submit(List.of(), records, true);
        return sizes;
    }
}
