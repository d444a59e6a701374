package io.slotstream.provisioning.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Compares a desired topic with what the cluster has; pure, so the rules are unit-tested without a broker. */
public final class TopicComparison {

    private TopicComparison() {
    }

    /**
     * @param desired what provisioning wants
     * @param actual  the topic on the cluster, or empty when it does not exist
     * @return every difference, in the order partitions, replication factor, cleanup policy, other configs (by name: cleanup.policy sorts first);
     *         empty when the topic is as desired
     */
    public static List<Finding> compare(TopicSpec desired, Optional<TopicSpec> actual) {
        String name = desired.name();
        if (actual.isEmpty()) {
            return List.of(new Finding(name, Finding.Kind.MISSING, "", "topic " + name + " does not exist"));
        }
        TopicSpec is = actual.get();
        List<Finding> findings = new ArrayList<>();
        if (is.partitions() != desired.partitions()) {
            String change = is.partitions() > desired.partitions()
                    ? "shrinking is impossible in Kafka"
                    : "adding partitions re-maps keys (per-key order, co-partitioning); create a new topic version instead";
            findings.add(new Finding(name, Finding.Kind.PARTITIONS, "partitions", "topic " + name + " has " + is.partitions()
                    + " partitions, the catalogue wants " + desired.partitions() + ": refused, " + change));
        }
        if (is.replicationFactor() != desired.replicationFactor()) {
            findings.add(new Finding(name, Finding.Kind.REPLICATION_FACTOR, "replication.factor", "topic " + name + " has replication factor "
                    + is.replicationFactor() + ", wanted " + desired.replicationFactor()
                    + ": not changed, reassign partitions with kafka-reassign-partitions"));
        }
        for (Map.Entry<String, String> want : new java.util.TreeMap<>(desired.configs()).entrySet()) {
            String have = is.configs().get(want.getKey());
            if (want.getValue().equals(have)) {
                continue;
            }
            if ("cleanup.policy".equals(want.getKey())) {
                findings.add(new Finding(name, Finding.Kind.CLEANUP_POLICY, want.getKey(),
                        "topic " + name + " has cleanup.policy=" + have + ", the catalogue wants " + want.getValue()
                                + ": refused, it changes what a key means to every consumer"));
            } else {
                findings.add(new Finding(name, Finding.Kind.CONFIG, want.getKey(), "topic " + name + " has " + want.getKey() + "="
                        + have + ", wanted " + want.getValue()));
            }
        }
        return List.copyOf(findings);
    }
}
