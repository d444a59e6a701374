package io.slotstream.schemas.topic;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One topic of the catalogue: its name, the Avro value class, what its (always {@code String}) key is, and the
 * settings it is created with. Immutable. The constants live in {@link Topics}.
 *
 * @param name           Kafka topic name, e.g. {@code fhir.slot.v1}
 * @param valueClass     generated Avro class of the values; a null value is a tombstone on compacted topics
 * @param keyDescription what the String key is, e.g. "canonical Slot id (CanonicalId)"
 * @param partitions     partition count, &gt; 0; all slot-keyed topics share one count (co-partitioning)
 * @param cleanupPolicy  compact or delete
 * @param retentionMs    {@code retention.ms} in milliseconds: -1 (infinite) for compacted topics, &gt; 0 for delete
 * @param <V>            value type
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueClass, String keyDescription, int partitions,
                                              CleanupPolicy cleanupPolicy, long retentionMs) {

    /** Legal Kafka topic names: at most 249 of {@code [a-zA-Z0-9._-]}. */
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /**
     * {@code min.compaction.lag.ms} of compacted topics: 1 minute, so a consumer that is a little behind still sees
     * every intermediate value of a key rather than only the last one.
     */
    public static final long MIN_COMPACTION_LAG_MS = 60_000L;

    /**
     * {@code delete.retention.ms} of compacted topics: tombstones stay 7 days, so a consumer (an aggregator) that was
     * offline for up to a week still learns about deletes.
     */
    public static final long TOMBSTONE_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    /**
     * @throws IllegalArgumentException when the name is not a legal Kafka topic name, partitions &lt; 1, or the
     *                                  retention does not fit the policy (-1 for compact, &gt; 0 for delete)
     * @throws NullPointerException     when a component is null
     */
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueClass, "valueClass");
        Objects.requireNonNull(keyDescription, "keyDescription");
        Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
        if (!LEGAL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("topic name '" + name + "' must match " + LEGAL_NAME.pattern());
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, was " + partitions);
        }
        if (cleanupPolicy == CleanupPolicy.COMPACT && retentionMs != -1) {
            throw new IllegalArgumentException("compacted topic " + name + " must have retentionMs -1, was " + retentionMs);
        }
        if (cleanupPolicy == CleanupPolicy.DELETE && retentionMs <= 0) {
            throw new IllegalArgumentException("delete topic " + name + " needs retentionMs > 0, was " + retentionMs);
        }
    }

    /**
     * Topic-level configs for an AdminClient {@link NewTopic}: {@code cleanup.policy} and {@code retention.ms} always;
     * compacted topics also get {@code min.compaction.lag.ms} ({@value #MIN_COMPACTION_LAG_MS} ms) and
     * {@code delete.retention.ms} (tombstone retention, {@value #TOMBSTONE_RETENTION_MS} ms).
     *
     * @return an unmodifiable map, in insertion order, of Kafka topic config names to values
     */
    public Map<String, String> topicConfigs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.config());
        configs.put("retention.ms", Long.toString(retentionMs));
        if (cleanupPolicy == CleanupPolicy.COMPACT) {
            configs.put("min.compaction.lag.ms", Long.toString(MIN_COMPACTION_LAG_MS));
            configs.put("delete.retention.ms", Long.toString(TOMBSTONE_RETENTION_MS));
        }
        return java.util.Collections.unmodifiableMap(configs);
    }

    /**
     * @param replicationFactor replicas per partition (1 on the single-node local stack)
     * @return the AdminClient request creating this topic with {@link #partitions()} and {@link #topicConfigs()}
     * @throws IllegalArgumentException when replicationFactor &lt; 1
     */
    public NewTopic newTopic(short replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be >= 1, was " + replicationFactor);
        }
        return new NewTopic(name, partitions, replicationFactor).configs(topicConfigs());
    }
}
