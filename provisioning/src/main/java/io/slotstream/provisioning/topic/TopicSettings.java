package io.slotstream.provisioning.topic;

import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Cluster-dependent settings applied to every catalogue topic on top of what {@link Topics} fixes (cleanup policy,
 * retention, compaction lags).
 *
 * @param replicationFactor replicas per partition: 1 on a single-node broker, 3 in production
 * @param minInsyncReplicas {@code min.insync.replicas}: 1 on a single-node broker, 2 in production; at most
 *                          {@code replicationFactor}
 * @param partitions        partition count for every topic, or empty for the catalogue's own
 *                          ({@link Topics#PARTITIONS}); one count for all topics keeps slot-keyed topics co-partitioned
 */
public record TopicSettings(short replicationFactor, int minInsyncReplicas, OptionalInt partitions) {

    /** @throws IllegalArgumentException when a value is below 1 or min.insync.replicas exceeds the replication factor */
    public TopicSettings {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, was " + replicationFactor);
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("min.insync.replicas must be between 1 and the replication factor ("
                    + replicationFactor + "), was " + minInsyncReplicas);
        }
        if (partitions.isPresent() && partitions.getAsInt() < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions.getAsInt());
        }
    }

    /** Replication factor 1, {@code min.insync.replicas} 1, the catalogue's partitions: the single-node local stack. */
    public static TopicSettings singleNode() {
        return new TopicSettings((short) 1, 1, OptionalInt.empty());
    }

    /** @return what the topic should look like on the cluster */
    public TopicSpec specOf(Topic<?> topic) {
        Map<String, String> configs = new LinkedHashMap<>(topic.topicConfigs());
        configs.put("min.insync.replicas", Integer.toString(minInsyncReplicas));
        return new TopicSpec(topic.name(), partitions.orElse(topic.partitions()), replicationFactor, Map.copyOf(configs));
    }
}
