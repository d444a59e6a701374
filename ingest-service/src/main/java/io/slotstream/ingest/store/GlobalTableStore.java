package io.slotstream.ingest.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link AcceptedStore} over Kafka Streams GlobalKTables (RocksDB, one per fhir.* topic, read_committed), so the view
 * survives restarts on disk and is not bounded by heap, plus a small in-memory overlay of this instance's own
 * committed writes, because the global tables apply them a few milliseconds to seconds later.
 * <p>
 * Limits: the overlay is per instance; with several replicas a source should stick to one replica, or a re-send can
 * be compared with a value another replica has since replaced (for at most {@code overlayTtl}). Every instance reads
 * every fhir.* topic (global tables): disk grows with the whole data set (about 1 KB per slot).
 */
public final class GlobalTableStore implements AcceptedStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GlobalTableStore.class);
    /** Marks a remembered delete in the overlay (Caffeine does not hold nulls). */
    private static final Object DELETED = new Object();

    private final Topology topology;
    private final Properties props = new Properties();
    private volatile KafkaStreams streams;
    private final Map<ResourceKind, ReadOnlyKeyValueStore<String, SpecificRecord>> stores = new ConcurrentHashMap<>();
    /**
     * Bounds the overlay's heap (whole records, a few KiB each): at a sustained 5,000 writes/s entries leave after
     * about 10 s instead of {@code overlayTtl}, and re-send checks fall back to the global tables, which lag by less.
     */
    static final int OVERLAY_MAX_ENTRIES = 50_000;

    private final Cache<String, Object> overlay;
    private volatile CountDownLatch running = new CountDownLatch(1);
    private volatile boolean ready;

    /**
     * @param bootstrapServers Kafka bootstrap servers
     * @param registry         registry settings for the Avro serdes
     * @param applicationId    Streams application.id (global tables use no consumer group, so replicas may share it)
     * @param stateDir         RocksDB directory, exclusive to this instance
     * @param overlayTtl       how long own writes override the global tables
     */
    public GlobalTableStore(String bootstrapServers, RegistrySettings registry, String applicationId, String stateDir,
                            Duration overlayTtl) {
        this.overlay = Caffeine.newBuilder().expireAfterWrite(overlayTtl).maximumSize(OVERLAY_MAX_ENTRIES).build();
        StreamsBuilder builder = new StreamsBuilder();
        for (ResourceKind kind : ResourceKind.values()) {
            @SuppressWarnings("unchecked")
            Serde<SpecificRecord> values = (Serde<SpecificRecord>) TopicSerdes.valueSerde(kind.topic(), registry);
            builder.globalTable(kind.topic().name(), Consumed.with(Serdes.String(), values),
                    Materialized.<String, SpecificRecord, KeyValueStore<Bytes, byte[]>>as(storeName(kind)));
        }
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        // Only committed transactions are "accepted": an aborted Bundle must never show up in GET or idempotence.
        props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.putAll(registry.serdeConfig());
        this.topology = builder.build();
    }

    /** Starts the global tables and waits up to {@code wait} for them to be restored; readiness says when. */
    public synchronized void start(Duration wait) {
        // A fresh KafkaStreams per start: a closed one cannot be restarted (Spring may stop and restart the context).
        CountDownLatch latch = new CountDownLatch(1);
        KafkaStreams created = new KafkaStreams(topology, props);
        created.setStateListener((now, before) -> {
            log.info("accepted-resource store: {} -> {}", before, now);
            ready = now == KafkaStreams.State.RUNNING;
            if (ready) {
                latch.countDown();
            }
        });
        stores.clear();
        running = latch;
        streams = created;
        created.start();
        try {
            if (!running.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("accepted-resource store still restoring after {}; serving 503 until it is RUNNING", wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<SpecificRecord> get(ResourceKind kind, String key) {
        String overlayKey = overlayKey(kind, key);
        Object own = overlay.getIfPresent(overlayKey);
        SpecificRecord stored = table(kind).get(key);
        if (own == null) {
            return Optional.ofNullable(stored);
        }
        SpecificRecord mine = own == DELETED ? null : (SpecificRecord) own;
        if (Objects.equals(mine, stored)) {
            overlay.invalidate(overlayKey); // the global table has caught up
        }
        return Optional.ofNullable(mine);
    }

    @Override
    public void remember(ResourceKind kind, String key, SpecificRecord value) {
        overlay.put(overlayKey(kind, key), value == null ? DELETED : value);
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    private ReadOnlyKeyValueStore<String, SpecificRecord> table(ResourceKind kind) {
        if (!ready) {
            throw new StoreUnavailableException("the accepted-resource store is " + (streams == null ? "not started" : streams.state()) + ", not RUNNING");
        }
        return stores.computeIfAbsent(kind, k -> streams.store(StoreQueryParameters.fromNameAndType(storeName(k),
                QueryableStoreTypes.<String, SpecificRecord>keyValueStore())));
    }

    private static String overlayKey(ResourceKind kind, String key) {
        return kind.fhirType() + "/" + key;
    }

    private static String storeName(ResourceKind kind) {
        return "accepted-" + kind.topic().name();
    }

    @Override
    public synchronized void close() {
        ready = false;
        if (streams != null) {
            streams.close(Duration.ofSeconds(10));
        }
    }
}
