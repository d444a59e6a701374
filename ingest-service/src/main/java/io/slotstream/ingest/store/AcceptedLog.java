package io.slotstream.ingest.store;

import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.ordering.SourceVersion;
import io.slotstream.ingest.ordering.StoredState;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the {@code fhir.*.v1} topics hold per key, read back from the topics: a read_committed consumer over every
 * partition of the six topics applies each record to RocksDB (live value bytes, or a tombstone with the deleted
 * version and the delete's time) and checkpoints its positions in the same write. Its consumer positions are
 * published, so a writer can wait until the store has applied everything committed up to given end offsets
 * ({@link #awaitPositions}): the basis of the writer lease's "catch up before deciding" (see
 * {@code ordering.WriteSequencer}). Reads ({@link #get}) are thread-safe; one thread writes.
 * <p>
 * Tombstones are forgotten {@link Topic#TOMBSTONE_RETENTION_MS} after the delete, as the topic's
 * {@code delete.retention.ms} forgets them, so every replica decides the same whatever it restored from.
 * Every instance holds every fhir.* record on disk (about 1 KB per slot).
 */
public final class AcceptedLog implements AutoCloseable {

    /** Header of a tombstone: the deleted version's meta.versionId (UTF-8). */
    public static final String DELETED_VERSION_ID = "slotstream-deleted-version-id";
    /** Header of a tombstone: the deleted version's meta.lastUpdated, UTC epoch milliseconds as decimal text. */
    public static final String DELETED_LAST_UPDATED = "slotstream-deleted-last-updated";

    private static final Logger log = LoggerFactory.getLogger(AcceptedLog.class);
    private static final byte LIVE = 0;
    private static final byte DELETED = 1;
    private static final byte CHECKPOINT = (byte) 0xFF;

    static {
        RocksDB.loadLibrary();
    }

    private final Properties consumerProps = new Properties();
    private final Path stateDir;
    private final Map<String, ResourceKind> kindsByTopic = new HashMap<>();
    private final Map<ResourceKind, Deserializer<SpecificRecord>> deserializers = new EnumMap<>(ResourceKind.class);
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private volatile RocksDB db;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread reader;
    private volatile Map<TopicPartition, Long> startupTarget;
    private volatile boolean ready;
    private volatile boolean running;

    /**
     * @param kafka            how clients reach the cluster
     * @param registry         registry settings for the Avro deserializers
     * @param stateDir         RocksDB directory, exclusive to this instance (kept across restarts: the positions are
     *                         checkpointed with the data)
     */
    @SuppressWarnings("unchecked")
    public AcceptedLog(KafkaClientSettings kafka, RegistrySettings registry, String stateDir) {
        this.stateDir = Path.of(stateDir);
        for (ResourceKind kind : ResourceKind.values()) {
            kindsByTopic.put(kind.topic().name(), kind);
            deserializers.put(kind, (Deserializer<SpecificRecord>) TopicSerdes.valueSerde(kind.topic(), registry).deserializer());
        }
        consumerProps.putAll(kafka.clientConfig());
        // Only committed transactions are "accepted": an aborted Bundle must never show up in GET or in decisions.
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-accepted-log");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    }

    /** @return every partition of the six fhir.* topics */
    public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
        List<TopicPartition> all = new ArrayList<>();
        for (ResourceKind kind : ResourceKind.values()) {
            consumer.partitionsFor(kind.topic().name()).forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
        }
        return all;
    }

    /** Opens RocksDB, starts the reader and waits up to {@code wait} for it to reach the end offsets of now. */
    public synchronized void start(Duration wait) {
        try {
            Files.createDirectories(stateDir);
            db = RocksDB.open(new Options().setCreateIfMissing(true), stateDir.toString());
        } catch (IOException | RocksDBException e) {
            throw new IllegalStateException("cannot open the accepted-resource store in " + stateDir + ": " + e.getMessage(), e);
        }
        KafkaConsumer<String, byte[]> created = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> all = partitions(created);
        created.assign(all);
        for (TopicPartition tp : all) {
            Long checkpoint = checkpoint(tp);
            if (checkpoint == null) {
                created.seekToBeginning(List.of(tp));
            } else {
                created.seek(tp, checkpoint);
            }
        }
        startupTarget = created.endOffsets(all);
        consumer = created;
        running = true;
        reader = Thread.ofPlatform().name("ingest-accepted-log").daemon().start(this::read);
        if (!awaitPositions(startupTarget, wait)) {
            log.warn("accepted-resource store still restoring after {}; serving 503 until it has caught up", wait);
        }
    }

    private void read() {
        try (WriteOptions options = new WriteOptions().setDisableWAL(false)) {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                try (WriteBatch batch = new WriteBatch()) {
                    for (ConsumerRecord<String, byte[]> r : records) {
                        ResourceKind kind = kindsByTopic.get(r.topic());
                        if (r.key() == null || kind == null) {
                            continue;
                        }
                        batch.put(key(kind, r.key()), r.value() == null
                                ? tombstone(r.headers(), r.timestamp())
                                : live(r.value()));
                    }
                    Map<TopicPartition, Long> now = new HashMap<>();
                    for (TopicPartition tp : consumer.assignment()) {
                        long position = consumer.position(tp);
                        if (position != positions.getOrDefault(tp, -1L)) { // checkpoint only what moved
                            now.put(tp, position);
                            batch.put(checkpointKey(tp), ByteBuffer.allocate(8).putLong(position).array());
                        }
                    }
                    if (batch.count() > 0) {
                        db.write(options, batch);
                    }
                    lock.lock();
                    try {
                        positions.putAll(now);
                        if (!ready && caughtUp(startupTarget)) {
                            ready = true;
                            log.info("accepted-resource store caught up with the fhir.* topics");
                        }
                        advanced.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | RocksDBException e) {
            ready = false;
            log.error("accepted-resource store reader failed; writes answer 503 until restart", e);
        }
    }

    /**
     * Waits until the store has applied every committed record before {@code ends} (consumer positions at or past
     * them).
     *
     * @return false when {@code timeout} passed first
     */
    public boolean awaitPositions(Map<TopicPartition, Long> ends, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!caughtUp(ends)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return false;
                }
                advanced.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (positions.getOrDefault(end.getKey(), -1L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** @return the next offset the store will apply in {@code tp} (everything before it is applied); -1 when unknown */
    public long position(TopicPartition tp) {
        return positions.getOrDefault(tp, -1L);
    }

    /**
     * @return the key's state as applied so far; a tombstone older than the topics' tombstone retention is
     *         {@link StoredState.Absent}
     * @throws StoreUnavailableException before the store has caught up at startup, or after its reader failed
     */
    public StoredState get(ResourceKind kind, String key) {
        if (!ready) {
            throw new StoreUnavailableException("the accepted-resource store is still reading the fhir.* topics");
        }
        byte[] value;
        try {
            value = db.get(key(kind, key));
        } catch (RocksDBException e) {
            throw new StoreUnavailableException("the accepted-resource store cannot be read: " + e.getMessage());
        }
        if (value == null) {
            return StoredState.ABSENT;
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        if (in.get() == LIVE) {
            byte[] avro = new byte[in.remaining()];
            in.get(avro);
            return StoredState.Live.of(deserializers.get(kind).deserialize(kind.topic().name(), avro));
        }
        Instant deletedAt = Instant.ofEpochMilli(in.getLong());
        if (deletedAt.plusMillis(Topic.TOMBSTONE_RETENTION_MS).isBefore(Instant.now())) {
            return StoredState.ABSENT;
        }
        long lastUpdated = in.getLong();
        int length = in.getInt();
        String versionId = null;
        if (length >= 0) {
            byte[] text = new byte[length];
            in.get(text);
            versionId = new String(text, StandardCharsets.UTF_8);
        }
        return new StoredState.Deleted(new SourceVersion(versionId,
                lastUpdated == Long.MIN_VALUE ? null : Instant.ofEpochMilli(lastUpdated)), deletedAt);
    }

    /** @return whether the store has caught up with the topics since start (readiness) */
    public boolean isReady() {
        return ready;
    }

    private static byte[] live(byte[] avro) {
        byte[] out = new byte[avro.length + 1];
        out[0] = LIVE;
        System.arraycopy(avro, 0, out, 1, avro.length);
        return out;
    }

    private static byte[] tombstone(Headers headers, long timestamp) {
        Header versionId = headers.lastHeader(DELETED_VERSION_ID);
        Header lastUpdated = headers.lastHeader(DELETED_LAST_UPDATED);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(DELETED);
            out.writeLong(timestamp);
            out.writeLong(lastUpdated == null ? Long.MIN_VALUE
                    : Long.parseLong(new String(lastUpdated.value(), StandardCharsets.UTF_8)));
            if (versionId == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(versionId.value().length);
                out.write(versionId.value());
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot encode a tombstone", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] key(ResourceKind kind, String key) {
        byte[] text = key.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + 1];
        out[0] = (byte) kind.ordinal();
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    private static byte[] checkpointKey(TopicPartition tp) {
        byte[] text = (tp.topic() + ":" + tp.partition()).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + 1];
        out[0] = CHECKPOINT;
        System.arraycopy(text, 0, out, 1, text.length);
        return out;
    }

    private Long checkpoint(TopicPartition tp) {
        try {
            byte[] value = db.get(checkpointKey(tp));
            return value == null ? null : ByteBuffer.wrap(value).getLong();
        } catch (RocksDBException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        ready = false;
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
        positions.clear();
    }
}
