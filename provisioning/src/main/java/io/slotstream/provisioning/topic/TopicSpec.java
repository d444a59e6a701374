package io.slotstream.provisioning.topic;

import org.apache.kafka.clients.admin.NewTopic;

import java.util.Map;

/**
 * A topic as it should be, or as it is, on the cluster.
 *
 * @param name              Kafka topic name
 * @param partitions        partition count
 * @param replicationFactor replicas per partition (of partition 0 when read from a cluster)
 * @param configs           topic-level configs; for a desired topic the ones provisioning sets, for an existing topic
 *                          the cluster's values of the same names
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    /** @return the AdminClient request creating this topic */
    public NewTopic newTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
