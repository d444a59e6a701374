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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one place that orders writes to {@code fhir.*.v1}: a single thread per instance decides every write with
 * {@link OrderingRule} against the key's stored state, and commit lanes commit the accepted ones in Kafka
 * transactions.
 * <p>
 * <b>Correct across replicas: a fenced writer lease.</b> Every replica's writer uses the same
 * {@code transactional.id}s (the lease id, plus {@code <id>-lane-<n>} for further commit lanes). Before deciding
 * anything, a writer takes the lease: {@code initTransactions()} on every lane id up to {@link #MAX_LANES} (which
 * fences every other holder and aborts its open transactions), then it reads the fhir.* end offsets (read_committed)
 * and waits until its {@link AcceptedLog} has applied everything up to them. From then on it decides against that
 * state plus its own commits. If another replica takes the lease meanwhile, this writer's next commit fails with a
 * fencing error, nothing of it becomes visible, and the writes are decided again after re-taking the lease and
 * catching up. So a commit only succeeds if no other replica committed since this one caught up: two replicas can
 * never both accept conflicting versions of a key. The price: replicas taking writes at the same time hand the lease
 * back and forth (each hand-over costs the inits and a catch-up, tens of milliseconds), so replicas are for
 * availability; put write load on one of them (sticky routing) for throughput. Writes that write nothing (stale,
 * unchanged) are answered from this replica's state without taking the lease.
 * <p>
 * <b>Group commit, pipelined.</b> The deciding thread takes every queued request (up to
 * {@code maxRecordsPerTransaction} records) into one group; requests are decided in queue order, each seeing the
 * decisions before it. A request is never split. The group's records go to a free commit lane (its own transactional
 * producer and thread), and the deciding thread goes on with the next group while that transaction commits, so up to
 * {@code commitLanes} transactions commit at once. A group that touches a key of a group still committing waits for
 * that commit first, so a key's versions reach the topic in decision order and every decision sees the committed
 * state of the keys it reads. A request is answered only after its transaction committed (acks=all). When a
 * transaction fails, the lease is dropped once every lane is idle and each of its requests is retried alone (up to
 * three times, each after re-taking the lease), so one bad request cannot fail its neighbours.
 */
public final class WriteSequencer implements AutoCloseable {

    /** Most commit lanes; taking the lease fences this many lane ids whatever {@code commitLanes} is configured. */
    public static final int MAX_LANES = 4;

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

    /** A decided group: the records of one transaction, and the answers to give once it committed. */
    private record Batch(List<Submission> group, List<List<Decision>> answers, List<ProducerRecord<String, byte[]>> records,
                         List<String> keys, List<StoredState> states, Set<String> touched,
                         CompletableFuture<Void> committed) {
    }

    private final AcceptedLog store;
    private final ContentEquality equality;
    private final Properties producerProps = new Properties();
    private final Properties consumerProps = new Properties();
    private final String transactionalId;
    private final int maxRecordsPerTransaction;
    private final Duration catchUpTimeout;
    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    /** This replica's commits under the current lease that the store has not applied yet (key -> write). */
    private final Map<String, OwnWrite> own = new ConcurrentHashMap<>();
    private final List<CommitLane> lanes = new ArrayList<>();
    /** Guards {@link #committing} and the lanes' busy flags; signalled when a batch finishes. */
    private final ReentrantLock laneLock = new ReentrantLock();
    private final Condition laneFreed = laneLock.newCondition();
    /** Keys of the batches committing now (map key form, see {@link #mapKey}), with how many batches hold each. */
    private final Map<String, Integer> committing = new HashMap<>();
    /** Requests whose transaction failed: retried alone by the deciding thread. */
    private final Queue<Submission> failed = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean leased;
    private KafkaConsumer<byte[], byte[]> offsets;
    private List<TopicPartition> partitions;

    /**
     * @param connection               how clients reach the cluster ({@code KafkaClientSettings#clientConfig()}), for
     *                                 the offsets consumer
     * @param producerConfig           producer properties without serializers and transactional.id
     * @param transactionalId          the writer lease: the same on every replica
     * @param maxRecordsPerTransaction at least 1: a group stops taking queued requests at this many records
     * @param commitLanes              1 to {@link #MAX_LANES}: transactions committing at once
     * @param catchUpTimeout           how long taking the lease may wait for the store to catch up (then 503)
     */
    public WriteSequencer(AcceptedLog store, ContentEquality equality, Map<String, Object> connection, Map<String, Object> producerConfig,
                          String transactionalId, int maxRecordsPerTransaction, int commitLanes, Duration catchUpTimeout) {
        if (maxRecordsPerTransaction < 1) {
            throw new IllegalArgumentException("slotstream.ingest.kafka.max-records-per-transaction must be at least 1");
        }
        if (commitLanes < 1 || commitLanes > MAX_LANES) {
            throw new IllegalArgumentException("slotstream.ingest.kafka.commit-lanes must be between 1 and " + MAX_LANES
                    + ", got " + commitLanes);
        }
        this.store = store;
        this.equality = equality;
        this.transactionalId = transactionalId;
        this.maxRecordsPerTransaction = maxRecordsPerTransaction;
        this.catchUpTimeout = catchUpTimeout;
        producerProps.putAll(producerConfig);
        consumerProps.putAll(connection);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-writer-offsets");
        for (int i = 0; i < commitLanes; i++) {
            lanes.add(new CommitLane(i));
        }
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
        try {
            return submitAsync(candidates, extras, atomic).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * As {@link #submit}, without waiting: requests are decided in the order they are submitted, so a caller may
     * submit its next request before the previous one committed (a feed reading on while its last batch commits).
     *
     * @return completes with one decision per candidate once the transaction committed, or exceptionally with
     *         {@link WriteFailedException} / {@link StoreUnavailableException}
     * @throws WriteFailedException when the writer is shutting down
     */
    public CompletableFuture<List<Decision>> submitAsync(List<Candidate> candidates,
                                                         List<ProducerRecord<String, byte[]>> extras, boolean atomic) {
        Submission s = new Submission(List.copyOf(candidates), List.copyOf(extras), atomic, new CompletableFuture<>());
        if (!running) {
            throw new WriteFailedException("the Kafka writer is shutting down", null);
        }
        queue.add(s);
        return s.done();
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
        while (running || !queue.isEmpty() || !failed.isEmpty()) {
            try {
                if (!failed.isEmpty()) {
                    retryFailed();
                    continue;
                }
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
                Batch batch = decide(List.copyOf(group));
                if (batch != null) {
                    batch.committed().whenComplete((ok, e) -> {
                        if (e != null) {
                            failed.addAll(batch.group());
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (StoreUnavailableException e) {
                group.forEach(s -> s.done().completeExceptionally(e));
            } catch (RuntimeException e) {
                // Deciding or taking the lease failed: nothing of the group was sent; retry each request alone.
                log.info("deciding a group of {} request(s) failed ({}); retrying each alone under a fresh writer lease",
                        group.size(), e.toString());
                failed.addAll(group);
            } finally {
                group.clear();
            }
        }
        awaitIdle();
        if (!failed.isEmpty()) {
            retryFailed(); // a transaction failed while the queue drained: its requests still get an answer
        }
        dropLease();
        lanes.forEach(CommitLane::stop);
        if (offsets != null) {
            offsets.close(Duration.ofSeconds(5));
        }
    }

    /**
     * After a failed transaction: waits until no lane commits, drops the lease and decides and commits each failed
     * request alone (up to {@link #ATTEMPTS} times, each under a freshly taken lease), waiting for each commit.
     */
    private void retryFailed() {
        awaitIdle();
        log.info("a transaction failed; retrying {} request(s) alone under a fresh writer lease", failed.size());
        dropLease();
        Submission alone;
        while ((alone = failed.poll()) != null) {
            RuntimeException last = null;
            for (int i = 0; i < ATTEMPTS && !alone.done().isDone(); i++) {
                try {
                    Batch batch = decide(List.of(alone));
                    if (batch != null) {
                        batch.committed().join();
                    }
                } catch (StoreUnavailableException e) {
                    alone.done().completeExceptionally(e);
                } catch (RuntimeException e) {
                    last = e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
                    awaitIdle();
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

    /**
     * Decides the group and hands what it writes to a free commit lane; answers at once when nothing is written.
     *
     * @return the batch being committed (its submissions are answered by the lane), or null when nothing was written
     *         (every submission answered)
     */
    private Batch decide(List<Submission> group) {
        Set<String> touched = new HashSet<>();
        for (Submission s : group) {
            for (Candidate c : s.candidates()) {
                touched.add(mapKey(c.kind(), c.key()));
            }
        }
        awaitNotCommitting(touched); // decide against committed state only: no decision rests on an open transaction
        if (!leased && group.stream().anyMatch(s -> !s.extras().isEmpty()
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
            boolean failedPrecondition = false;
            for (Candidate c : s.candidates()) {
                String k = mapKey(c.kind(), c.key());
                StoredState before = local.containsKey(k) ? local.get(k)
                        : tentative.containsKey(k) ? tentative.get(k) : current(c.kind(), c.key());
                Decision d = decide(c, before);
                decisions.add(d);
                failedPrecondition |= d.outcome() == Outcome.PRECONDITION_FAILED;
                if (d.outcome().writes()) {
                    local.put(k, d.current());
                    mine.add(record(c, before));
                    mineKeys.add(k);
                }
            }
            answers.add(decisions);
            if (failedPrecondition && s.atomic()) {
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
        if (records.isEmpty()) {
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done().complete(answers.get(i));
            }
            return null;
        }
        if (!leased) {
            // The pre-check saw no write but the state moved meanwhile: decide again under the lease.
            ensureLease();
            return decide(group);
        }
        Batch batch = new Batch(group, answers, records, recordKeys, recordStates, touched, new CompletableFuture<>());
        dispatch(batch);
        return batch;
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

    /** Waits until no committing batch holds any of {@code keys}. */
    private void awaitNotCommitting(Set<String> keys) {
        laneLock.lock();
        try {
            while (keys.stream().anyMatch(committing::containsKey)) {
                laneFreed.awaitUninterruptibly();
            }
        } finally {
            laneLock.unlock();
        }
    }

    /** Hands the batch to the first free lane (waiting for one), marking its keys as committing. */
    private void dispatch(Batch batch) {
        laneLock.lock();
        try {
            CommitLane free;
            while ((free = lanes.stream().filter(l -> !l.busy).findFirst().orElse(null)) == null) {
                laneFreed.awaitUninterruptibly();
            }
            free.busy = true;
            for (String k : batch.touched()) {
                committing.merge(k, 1, Integer::sum);
            }
            free.work.add(batch);
        } finally {
            laneLock.unlock();
        }
    }

    /** Waits until no lane commits. */
    private void awaitIdle() {
        laneLock.lock();
        try {
            while (lanes.stream().anyMatch(l -> l.busy)) {
                laneFreed.awaitUninterruptibly();
            }
        } finally {
            laneLock.unlock();
        }
    }

    /**
     * One transactional producer and the thread that commits its batches: begin, send, commit; then the batch's
     * requests are answered (a 2xx only after the commit).
     */
    private final class CommitLane {
        final int index;
        final BlockingQueue<Batch> work = new LinkedBlockingQueue<>();
        final Thread worker;
        /** Guarded by {@link #laneLock}. */
        boolean busy;
        /** Set and cleared by the deciding thread while no batch is in flight (lease taken / dropped). */
        volatile KafkaProducer<String, byte[]> producer;

        CommitLane(int index) {
            this.index = index;
            this.worker = Thread.ofPlatform().name("ingest-commit-lane-" + index).daemon().start(this::loop);
        }

        private void loop() {
            while (true) {
                Batch batch;
                try {
                    batch = work.take();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    commit(producer, batch);
                    for (int i = 0; i < batch.group().size(); i++) {
                        batch.group().get(i).done().complete(batch.answers().get(i));
                    }
                    finish(batch);
                    batch.committed().complete(null);
                } catch (RuntimeException e) {
                    finish(batch);
                    batch.committed().completeExceptionally(e);
                }
            }
        }

        private void finish(Batch batch) {
            laneLock.lock();
            try {
                for (String k : batch.touched()) {
                    committing.computeIfPresent(k, (key, n) -> n == 1 ? null : n - 1);
                }
                busy = false;
                laneFreed.signalAll();
            } finally {
                laneLock.unlock();
            }
        }

        void stop() {
            worker.interrupt();
        }
    }

    private void commit(KafkaProducer<String, byte[]> producer, Batch batch) {
        if (producer == null) {
            throw new IllegalStateException("the writer lease was dropped");
        }
        List<ProducerRecord<String, byte[]>> records = batch.records();
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        producer.beginTransaction();
        for (ProducerRecord<String, byte[]> r : records) {
            sent.add(producer.send(r));
        }
        producer.commitTransaction(); // flushes; throws when any send failed or this writer was fenced
        try {
            for (int i = 0; i < records.size(); i++) {
                String key = batch.keys().get(i);
                if (key != null) {
                    RecordMetadata md = sent.get(i).get();
                    own.put(key, new OwnWrite(batch.states().get(i), new TopicPartition(md.topic(), md.partition()), md.offset()));
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

    /**
     * Takes the writer lease (fencing any other holder of every lane id) and catches up with everything committed
     * before it. Called by the deciding thread while no lane commits.
     */
    private void ensureLease() {
        if (leased) {
            return;
        }
        long started = System.nanoTime();
        List<KafkaProducer<String, byte[]>> created = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_LANES; i++) {
                created.add(producer(i));
            }
            // Init in parallel: each is a round trip to the transaction coordinator.
            List<CompletableFuture<Void>> inits = created.stream()
                    .map(p -> CompletableFuture.runAsync(p::initTransactions, r -> Thread.ofVirtual().start(r)))
                    .toList();
            try {
                CompletableFuture.allOf(inits.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
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
            created.forEach(p -> p.close(Duration.ZERO));
            throw e;
        }
        for (int i = 0; i < created.size(); i++) {
            if (i < lanes.size()) {
                lanes.get(i).producer = created.get(i);
            } else {
                created.get(i).close(Duration.ZERO); // fenced the id for other holders; this replica does not use it
            }
        }
        leased = true;
        log.info("writer lease taken ({}, {} commit lane(s)) in {} ms", transactionalId, lanes.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private KafkaProducer<String, byte[]> producer(int lane) {
        Properties props = new Properties();
        props.putAll(producerProps);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, lane == 0 ? transactionalId : transactionalId + "-lane-" + lane);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, producerProps.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "ingest-writer")
                + "-lane-" + lane);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Drops the lease; called by the deciding thread while no lane commits. */
    private void dropLease() {
        for (CommitLane lane : lanes) {
            if (lane.producer != null) {
                lane.producer.close(Duration.ZERO);
                lane.producer = null;
            }
        }
        leased = false;
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
