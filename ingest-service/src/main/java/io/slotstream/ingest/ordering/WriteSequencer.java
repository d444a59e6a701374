package io.slotstream.ingest.ordering;

import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.kafka.WriteFailedException;
import io.slotstream.ingest.store.AcceptedLog;
import io.slotstream.ingest.store.StoreUnavailableException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The one place that orders writes to {@code fhir.*.v1}: a single thread per instance decides every write with
 * {@link OrderingRule} against the key's stored state and commits the accepted ones in a Kafka transaction.
 * <p>
 * <b>Correct across replicas: a fenced writer lease.</b> Every replica's writer uses the same
 * {@code transactional.id}. Before deciding anything, a writer takes the lease: {@code initTransactions()} (which
 * fences every other holder and aborts its open transaction), then it reads the fhir.* end offsets
 * (read_committed) and waits until its {@link AcceptedLog} has applied everything up to them. From then on it decides
 * against that state plus its own commits. If another replica takes the lease meanwhile, this writer's next commit
 * fails with a fencing error, nothing of it becomes visible, and the writes are decided again after re-taking the
 * lease and catching up. So a commit only succeeds if no other replica committed since this one caught up: two
 * replicas can never both accept conflicting versions of a key. The price: replicas taking writes at the same time
 * hand the lease back and forth (each hand-over costs an init and a catch-up, tens of milliseconds), so replicas are
 * for availability; put write load on one of them (sticky routing) for throughput. Writes that write nothing (stale,
 * unchanged) are answered from this replica's state without taking the lease.
 * <p>
 * <b>Group commit.</b> The thread takes every queued request (up to {@code maxRecordsPerTransaction} records) into one
 * transaction; requests are decided in queue order, each seeing the decisions before it. A request is never split.
 * When a shared transaction fails, the lease is dropped and each request is retried alone (up to three times, each
 * after re-taking the lease), so one bad request cannot fail its neighbours.
 */
public final class WriteSequencer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WriteSequencer.class);
    private static final int ATTEMPTS = 3;

    /**
     * One write to decide.
     *
     * @param kind       resource type
     * @param key        canonical id (Kafka key)
     * @param record     the Avro value; null for a delete
     * @param bytes      the serialised value; null for a delete
     * @param ifMatch    the {@code If-Match} precondition; null when none
     * @param receivedAt request arrival (a tombstone's record timestamp: the delete time)
     */
    public record Candidate(ResourceKind kind, String key, SpecificRecord record, byte[] bytes, String ifMatch,
                            Instant receivedAt) {
        boolean isDelete() {
            return record == null;
        }
    }

    /** What was decided for a candidate. */
    public enum Outcome {
        CREATED, UPDATED, UNCHANGED, STALE, DELETED, ALREADY_DELETED, PRECONDITION_FAILED;

        /** @return whether this outcome writes a record */
        public boolean writes() {
            return this == CREATED || this == UPDATED || this == DELETED;
        }
    }

    /**
     * @param outcome what was decided
     * @param current the key's state after the decision: the new state when written, else the prevailing one
     */
    public record Decision(Outcome outcome, StoredState current) {
    }

    private record Submission(List<Candidate> candidates, List<ProducerRecord<String, byte[]>> extras, boolean atomic,
                              CompletableFuture<List<Decision>> done) {
        int size() {
            return candidates.size() + extras.size();
        }
    }

    private record OwnWrite(StoredState state, TopicPartition partition, long offset) {
    }

    private final AcceptedLog store;
    private final ContentEquality equality;
    private final Properties producerProps = new Properties();
    private final Properties consumerProps = new Properties();
    private final int maxRecordsPerTransaction;
    private final Duration catchUpTimeout;
    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    /** This replica's commits under the current lease that the store has not applied yet (key -> write). */
    private final Map<String, OwnWrite> own = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<byte[], byte[]> offsets;
    private List<TopicPartition> partitions;

    /**
     * @param producerConfig           producer properties without serializers and transactional.id
     * @param transactionalId          the writer lease: the same on every replica
     * @param maxRecordsPerTransaction at least 1: a shared transaction stops taking queued requests at this many
     * @param catchUpTimeout           how long taking the lease may wait for the store to catch up (then 503)
     */
    public WriteSequencer(AcceptedLog store, ContentEquality equality, Map<String, Object> producerConfig,
                          String transactionalId, int maxRecordsPerTransaction, Duration catchUpTimeout) {
        if (maxRecordsPerTransaction < 1) {
            throw new IllegalArgumentException("slotstream.ingest.kafka.max-records-per-transaction must be at least 1");
        }
        this.store = store;
        this.equality = equality;
        this.maxRecordsPerTransaction = maxRecordsPerTransaction;
        this.catchUpTimeout = catchUpTimeout;
        producerProps.putAll(producerConfig);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, producerConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-writer-offsets");
        this.thread = Thread.ofPlatform().name("ingest-write-sequencer").daemon().start(this::run);
    }

    /**
     * Decides and writes one request's candidates (and, in the same transaction, {@code extras} such as dead
     * letters), in order.
     *
     * @param atomic true for all-or-nothing (a transaction Bundle, a single PUT): when any candidate fails its
     *               {@code If-Match}, none is written
     * @return one decision per candidate, in order
     * @throws WriteFailedException       when the transaction did not commit (nothing was written)
     * @throws StoreUnavailableException  when the store is not caught up with the topics
     */
    public List<Decision> submit(List<Candidate> candidates, List<ProducerRecord<String, byte[]>> extras, boolean atomic) {
        Submission s = new Submission(List.copyOf(candidates), List.copyOf(extras), atomic, new CompletableFuture<>());
        if (!running) {
            throw new WriteFailedException("the Kafka writer is shutting down", null);
        }
        queue.add(s);
        try {
            return s.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * @return the key's current state as this replica knows it: its own recent commits, else the store (other
     *         replicas' commits appear once the store has read them)
     */
    public StoredState current(ResourceKind kind, String key) {
        String k = mapKey(kind, key);
        OwnWrite mine = own.get(k);
        if (mine != null) {
            if (store.position(mine.partition()) <= mine.offset()) {
                return mine.state();
            }
            own.remove(k, mine); // the store has it (or something later)
        }
        return store.get(kind, key);
    }

    private void run() {
        List<Submission> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Submission first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                int records = first.size();
                Submission next;
                while (records < maxRecordsPerTransaction && (next = queue.poll()) != null) {
                    group.add(next);
                    records += next.size();
                }
                process(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                group.forEach(s -> s.done().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
        dropLease();
        if (offsets != null) {
            offsets.close(Duration.ofSeconds(5));
        }
    }

    private void process(List<Submission> group) {
        try {
            attempt(group);
            return;
        } catch (StoreUnavailableException e) {
            group.forEach(s -> s.done().completeExceptionally(e));
            return;
        } catch (RuntimeException shared) {
            log.info("transaction of {} request(s) failed ({}); retrying each alone under a fresh writer lease",
                    group.size(), shared.toString());
            dropLease();
        }
        for (Submission alone : group) {
            RuntimeException last = null;
            for (int i = 0; i < ATTEMPTS && !alone.done().isDone(); i++) {
                try {
                    attempt(List.of(alone));
                } catch (StoreUnavailableException e) {
                    alone.done().completeExceptionally(e);
                } catch (RuntimeException e) {
                    last = e;
                    dropLease();
                    pause(i);
                }
            }
            if (!alone.done().isDone()) {
                alone.done().completeExceptionally(new WriteFailedException("Kafka transaction failed: "
                        + (last == null ? "unknown" : last.getMessage()), last));
            }
        }
    }

    /** Decides the group and commits what it writes; completes every submission, or throws with none completed. */
    private void attempt(List<Submission> group) {
        if (producer == null && group.stream().anyMatch(s -> !s.extras().isEmpty()
                || s.candidates().stream().anyMatch(c -> c.isDelete() || c.ifMatch() != null || wouldWrite(c)))) {
            ensureLease();
        }
        Map<String, StoredState> tentative = new HashMap<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<String> recordKeys = new ArrayList<>();
        List<StoredState> recordStates = new ArrayList<>();
        List<List<Decision>> answers = new ArrayList<>(group.size());
        for (Submission s : group) {
            Map<String, StoredState> local = new HashMap<>();
            List<Decision> decisions = new ArrayList<>(s.candidates().size());
            List<ProducerRecord<String, byte[]>> mine = new ArrayList<>();
            List<String> mineKeys = new ArrayList<>();
            boolean failed = false;
            for (Candidate c : s.candidates()) {
                String k = mapKey(c.kind(), c.key());
                StoredState before = local.containsKey(k) ? local.get(k)
                        : tentative.containsKey(k) ? tentative.get(k) : current(c.kind(), c.key());
                Decision d = decide(c, before);
                decisions.add(d);
                failed |= d.outcome() == Outcome.PRECONDITION_FAILED;
                if (d.outcome().writes()) {
                    local.put(k, d.current());
                    mine.add(record(c, before));
                    mineKeys.add(k);
                }
            }
            answers.add(decisions);
            if (failed && s.atomic()) {
                continue; // all or nothing: none of it is written
            }
            tentative.putAll(local);
            for (int i = 0; i < mine.size(); i++) {
                records.add(mine.get(i));
                recordKeys.add(mineKeys.get(i));
                recordStates.add(local.get(mineKeys.get(i)));
            }
            for (ProducerRecord<String, byte[]> extra : s.extras()) {
                records.add(extra);
                recordKeys.add(null);
                recordStates.add(null);
            }
        }
        if (!records.isEmpty() && producer == null) {
            // The pre-check saw no write but the state moved meanwhile: decide again under the lease.
            ensureLease();
            attempt(group);
            return;
        }
        if (!records.isEmpty()) {
            commit(records, recordKeys, recordStates);
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).done().complete(answers.get(i));
        }
    }

    /** A cheap pre-check, only to skip taking the lease for requests that will surely write nothing. */
    private boolean wouldWrite(Candidate c) {
        try {
            StoredState stored = current(c.kind(), c.key());
            return decide(c, stored).outcome().writes();
        } catch (RuntimeException e) {
            return true;
        }
    }

    private Decision decide(Candidate c, StoredState stored) {
        if (c.ifMatch() != null && !OrderingRule.matches(c.ifMatch(), stored)) {
            return new Decision(Outcome.PRECONDITION_FAILED, stored);
        }
        if (c.isDelete()) {
            if (stored instanceof StoredState.Deleted) {
                return new Decision(Outcome.ALREADY_DELETED, stored);
            }
            return new Decision(Outcome.DELETED, new StoredState.Deleted(stored.version(),
                    Instant.ofEpochMilli(c.receivedAt().toEpochMilli())));
        }
        StoredState.Live incoming = new StoredState.Live(c.record(), SourceVersion.of(c.record()));
        if (OrderingRule.upsert(stored, incoming.version()) == OrderingRule.Verdict.STALE) {
            return new Decision(Outcome.STALE, stored);
        }
        if (stored instanceof StoredState.Live live) {
            // Equal content (send times aside) writes nothing, even with a later lastUpdated: no churn downstream.
            return equality.same(live.record(), c.record())
                    ? new Decision(Outcome.UNCHANGED, stored) : new Decision(Outcome.UPDATED, incoming);
        }
        return new Decision(Outcome.CREATED, incoming);
    }

    private static ProducerRecord<String, byte[]> record(Candidate c, StoredState before) {
        String topic = c.kind().topic().name();
        if (!c.isDelete()) {
            return new ProducerRecord<>(topic, c.key(), c.bytes());
        }
        // The tombstone carries the deleted version, so the store of any replica (restored from the topic alone)
        // refuses an older version after the delete.
        RecordHeaders headers = new RecordHeaders();
        SourceVersion deleted = before.version();
        if (deleted.versionId() != null) {
            headers.add(AcceptedLog.DELETED_VERSION_ID, deleted.versionId().getBytes(StandardCharsets.UTF_8));
        }
        if (deleted.lastUpdated() != null) {
            headers.add(AcceptedLog.DELETED_LAST_UPDATED,
                    Long.toString(deleted.lastUpdated().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topic, null, c.receivedAt().toEpochMilli(), c.key(), null, headers);
    }

    private void commit(List<ProducerRecord<String, byte[]>> records, List<String> keys, List<StoredState> states) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        producer.beginTransaction();
        for (ProducerRecord<String, byte[]> r : records) {
            sent.add(producer.send(r));
        }
        producer.commitTransaction(); // flushes; throws when any send failed or this writer was fenced
        try {
            for (int i = 0; i < records.size(); i++) {
                if (keys.get(i) != null) {
                    RecordMetadata md = sent.get(i).get();
                    own.put(keys.get(i), new OwnWrite(states.get(i), new TopicPartition(md.topic(), md.partition()), md.offset()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("committed, but a send result was unavailable", e); // cannot happen after a successful commit
        }
        if (own.size() > 20_000) {
            own.entrySet().removeIf(e -> store.position(e.getValue().partition()) > e.getValue().offset());
        }
    }

    /** Takes the writer lease (fencing any other holder) and catches up with everything committed before it. */
    private void ensureLease() {
        if (producer != null) {
            return;
        }
        long started = System.nanoTime();
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        try {
            created.initTransactions();
            if (offsets == null) {
                offsets = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                partitions = AcceptedLog.partitions(offsets);
            }
            Map<TopicPartition, Long> ends = offsets.endOffsets(partitions);
            own.clear();
            if (!store.awaitPositions(ends, catchUpTimeout)) {
                throw new StoreUnavailableException("the accepted-resource store did not catch up with the fhir.* topics within "
                        + catchUpTimeout);
            }
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
        producer = created;
        log.info("writer lease taken ({}) in {} ms", producerProps.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void dropLease() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 60) * (attempt + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String mapKey(ResourceKind kind, String key) {
        return kind.ordinal() + "/" + key;
    }

    /** Writes what is queued, then stops (waits up to 30 s). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
