package io.slotstream.ingest.intake;

import io.slotstream.avro.DeadLetter;
import io.slotstream.ingest.kafka.RecordSerializers;
import io.slotstream.ingest.metrics.IntakeMetrics;
import io.slotstream.ingest.ordering.StoredState;
import io.slotstream.ingest.ordering.WriteSequencer;
import io.slotstream.schemas.identity.CanonicalId;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.hl7.fhir.r4.model.Resource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Commits prepared writes through the {@link WriteSequencer}, the one place that orders writes to {@code fhir.*.v1}
 * ({@code ordering.OrderingRule}): newer versions are written, re-sends equal to the stored version and versions
 * older than it (or than a delete) write nothing and say so, {@code If-Match} is checked against the stored
 * version. Dead letters go in the same Kafka transaction. Reads what is stored. Thread-safe.
 */
public final class IntakeService {

    private final WriteSequencer sequencer;
    private final RecordSerializers serializers;
    private final FhirAvroMapper mapper;
    private final IntakeMetrics metrics;

    public IntakeService(WriteSequencer sequencer, RecordSerializers serializers, FhirAvroMapper mapper,
                         IntakeMetrics metrics) {
        this.sequencer = sequencer;
        this.serializers = serializers;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /**
     * All or nothing: when any write fails its {@code If-Match}, none is written (see
     * {@link #commit(String, List, List, long, boolean)}).
     */
    public List<WriteResult> commit(String source, List<PreparedWrite> writes, List<DeadLetter> deadLetters,
                                    long receivedNanos) {
        return commit(source, writes, deadLetters, receivedNanos, true);
    }

    /**
     * @param source        source id (metric tag)
     * @param writes        validated writes; keys are distinct when {@code atomic}
     * @param deadLetters   records for ingest.dead-letter.v1, written in the same transaction
     * @param receivedNanos {@link System#nanoTime()} at request receipt (latency to durable write; a delete's time)
     * @param atomic        true: a failed {@code If-Match} on any write (status PRECONDITION_FAILED) means nothing of
     *                      the request is written; false (batch): each write on its own
     * @return one result per write, in order
     * @throws io.slotstream.ingest.kafka.WriteFailedException when the transaction fails (nothing was written)
     * @throws io.slotstream.ingest.store.StoreUnavailableException when the store cannot be read or caught up
     */
    public List<WriteResult> commit(String source, List<PreparedWrite> writes, List<DeadLetter> deadLetters,
                                    long receivedNanos, boolean atomic) {
        try {
            return commitAsync(source, writes, deadLetters, receivedNanos, atomic).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * As {@link #commit(String, List, List, long, boolean)}, without waiting for the commit: requests are decided in
     * submission order, so a feed can read and prepare its next batch while this one commits.
     *
     * @return completes with one result per write once committed, or exceptionally as {@code commit} throws
     */
    public CompletableFuture<List<WriteResult>> commitAsync(String source, List<PreparedWrite> writes,
                                                            List<DeadLetter> deadLetters, long receivedNanos,
                                                            boolean atomic) {
        Instant receivedAt = Instant.now().minusNanos(System.nanoTime() - receivedNanos);
        List<WriteSequencer.Candidate> candidates = new ArrayList<>(writes.size());
        for (PreparedWrite w : writes) {
            candidates.add(w.isDelete()
                    ? new WriteSequencer.Candidate(w.kind(), w.key(), null, null, w.ifMatch(), receivedAt)
                    : new WriteSequencer.Candidate(w.kind(), w.key(), w.record(),
                    serializers.serialize(w.kind().topic(), w.record()), w.ifMatch(), receivedAt));
        }
        List<ProducerRecord<String, byte[]>> letters = new ArrayList<>(deadLetters.size());
        for (DeadLetter letter : deadLetters) {
            letters.add(new ProducerRecord<>(Topics.DEAD_LETTER.name(), letter.getSource(),
                    serializers.serialize(Topics.DEAD_LETTER, letter)));
        }
        List<PreparedWrite> copy = List.copyOf(writes);
        int letterCount = deadLetters.size();
        return sequencer.submitAsync(candidates, letters, atomic)
                .thenApply(decisions -> results(source, copy, decisions, letterCount, receivedNanos));
    }

    private List<WriteResult> results(String source, List<PreparedWrite> writes, List<WriteSequencer.Decision> decisions,
                                      int deadLetters, long receivedNanos) {
        Duration latency = Duration.ofNanos(System.nanoTime() - receivedNanos);
        List<WriteResult> results = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            PreparedWrite w = writes.get(i);
            WriteSequencer.Decision d = decisions.get(i);
            WriteResult.Status status = WriteResult.Status.valueOf(d.outcome().name());
            StoredState current = d.current();
            results.add(new WriteResult(w, status, () -> resource(w, current), current));
            String type = w.kind().fhirType();
            switch (status) {
                case CREATED, UPDATED, DELETED -> {
                    metrics.accepted(type, source);
                    metrics.durableLatency(type, source, latency);
                }
                case UNCHANGED, ALREADY_DELETED -> metrics.unchanged(type, source);
                case STALE -> metrics.stale(type, source);
                case PRECONDITION_FAILED -> metrics.rejected(type, source, "precondition");
            }
            if (w.rawBytes() > 0) {
                metrics.bytes(type, source, w.rawBytes());
            }
        }
        for (int i = 0; i < deadLetters; i++) {
            metrics.deadLetter(source);
        }
        return results;
    }

    /** @return the resource source {@code source} last had accepted under its id {@code id}; empty when none */
    public Optional<Resource> read(String source, ResourceKind kind, String id) {
        return sequencer.current(kind, CanonicalId.of(source, id)) instanceof StoredState.Live live
                ? Optional.of(mapper.toFhir(live.record())) : Optional.empty();
    }

    /** @return the key's stored state (version for {@code ETag}, tombstone); this replica's view */
    public StoredState current(String source, ResourceKind kind, String id) {
        return sequencer.current(kind, CanonicalId.of(source, id));
    }

    private Resource resource(PreparedWrite w, StoredState current) {
        if (!(current instanceof StoredState.Live live)) {
            return null;
        }
        // A fast-path write has no HAPI resource; the record gives it back (lossless: equalsDeep the full path's).
        return live.record() == w.record() && w.resource() != null ? w.resource() : mapper.toFhir(live.record());
    }
}
