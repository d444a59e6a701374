package io.slotstream.ingest.intake;

import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.Provenance;
import io.slotstream.ingest.kafka.KafkaWrite;
import io.slotstream.ingest.kafka.TransactionalWriter;
import io.slotstream.ingest.metrics.IntakeMetrics;
import io.slotstream.ingest.store.AcceptedStore;
import io.slotstream.schemas.identity.CanonicalId;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.Resource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Commits prepared writes: drops re-sends equal to what is stored (no churn downstream), writes the rest plus any dead
 * letters as one Kafka transaction, then remembers them in the store. Reads what was last accepted. Thread-safe.
 */
public final class IntakeService {

    private final AcceptedStore store;
    private final TransactionalWriter writer;
    private final FhirAvroMapper mapper;
    private final IntakeMetrics metrics;

    public IntakeService(AcceptedStore store, TransactionalWriter writer, FhirAvroMapper mapper, IntakeMetrics metrics) {
        this.store = store;
        this.writer = writer;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /**
     * @param source        source id (metric tag)
     * @param writes        validated writes; keys are distinct
     * @param deadLetters   records for ingest.dead-letter.v1, written in the same transaction
     * @param receivedNanos {@link System#nanoTime()} at request receipt (latency to durable write)
     * @return one result per write, in order
     * @throws io.slotstream.ingest.kafka.WriteFailedException when the transaction fails (nothing was written)
     * @throws io.slotstream.ingest.store.StoreUnavailableException when the store cannot be read
     */
    public List<WriteResult> commit(String source, List<PreparedWrite> writes, List<DeadLetter> deadLetters,
                                    long receivedNanos) {
        List<WriteResult> results = new ArrayList<>(writes.size());
        List<KafkaWrite> kafka = new ArrayList<>(writes.size() + deadLetters.size());
        for (PreparedWrite w : writes) {
            if (w.isDelete()) {
                // Always written: a tombstone is idempotent downstream, and the store might not know the key yet.
                results.add(new WriteResult(w, WriteResult.Status.DELETED, null));
                kafka.add(new KafkaWrite(w.kind().topic(), w.key(), null));
                continue;
            }
            Optional<SpecificRecord> stored = store.get(w.kind(), w.key());
            if (stored.isPresent() && sameContent(stored.get(), w.record())) {
                results.add(new WriteResult(w, WriteResult.Status.UNCHANGED, mapper.toFhir(stored.get())));
                continue;
            }
            results.add(new WriteResult(w, stored.isPresent() ? WriteResult.Status.UPDATED : WriteResult.Status.CREATED,
                    w.resource()));
            kafka.add(new KafkaWrite(w.kind().topic(), w.key(), w.record()));
        }
        for (DeadLetter letter : deadLetters) {
            kafka.add(new KafkaWrite(Topics.DEAD_LETTER, letter.getSource(), letter));
        }
        writer.write(kafka);
        Duration latency = Duration.ofNanos(System.nanoTime() - receivedNanos);
        for (WriteResult r : results) {
            PreparedWrite w = r.write();
            String type = w.kind().fhirType();
            if (r.status() == WriteResult.Status.UNCHANGED) {
                metrics.unchanged(type, source);
            } else {
                store.remember(w.kind(), w.key(), w.record());
                metrics.accepted(type, source);
                metrics.durableLatency(type, source, latency);
            }
            if (w.rawBytes() > 0) {
                metrics.bytes(type, source, w.rawBytes());
            }
        }
        deadLetters.forEach(d -> metrics.deadLetter(source));
        return results;
    }

    /** @return the resource source {@code source} last had accepted under its id {@code id}; empty when none */
    public Optional<Resource> read(String source, ResourceKind kind, String id) {
        return store.get(kind, CanonicalId.of(source, id)).map(mapper::toFhir);
    }

    /**
     * Equal content, ignoring when it was sent: provenance times and meta.lastUpdated. Compared as records (cheap);
     * only when meta went to the residual (meta beyond versionId, lastUpdated and source) as FHIR.
     */
    private boolean sameContent(SpecificRecord stored, SpecificRecord incoming) {
        if (withoutSendTimes(stored).equals(withoutSendTimes(incoming))) {
            return true;
        }
        if (!metaInResidual(stored) || !metaInResidual(incoming)) {
            return false;
        }
        Resource a = mapper.toFhir(stored);
        Resource b = mapper.toFhir(incoming);
        a.getMeta().setLastUpdated(null);
        b.getMeta().setLastUpdated(null);
        return a.equalsDeep(b);
    }

    private static SpecificRecord withoutSendTimes(SpecificRecord record) {
        SpecificRecord copy = SpecificData.get().deepCopy(record.getSchema(), record);
        int field = record.getSchema().getField("provenance").pos();
        copy.put(field, Provenance.newBuilder((Provenance) copy.get(field))
                .setEventTime(Instant.EPOCH).setIngestTime(Instant.EPOCH).setSourceLastUpdated(null).build());
        return copy;
    }

    private static boolean metaInResidual(SpecificRecord record) {
        Object residual = record.get(record.getSchema().getField("residualJson").pos());
        return residual != null && residual.toString().contains("\"meta\"");
    }
}
