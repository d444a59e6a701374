package io.slotstream.provisioning.topic;

/**
 * One difference between a desired catalogue topic and the cluster.
 *
 * @param topic   topic name
 * @param kind    what differs
 * @param setting the differing setting: a topic config name, {@code partitions} or {@code replication.factor};
 *                empty for {@link Kind#MISSING}
 * @param message one line for an operator, naming the topic, the setting, the wanted and the actual value
 */
public record Finding(String topic, Kind kind, String setting, String message) {

    /** What differs, and whether {@code create} may fix it. */
    public enum Kind {
        /** The topic does not exist: {@code create} creates it. */
        MISSING(true),
        /** A config such as retention or {@code min.insync.replicas} differs: {@code create} sets it. */
        CONFIG(true),
        /**
         * The partition count differs. Never changed: a shrink is impossible and a growth re-maps keys to partitions
         * (breaks ordering per key and the co-partitioning of slot-keyed topics); that needs a new topic version.
         */
        PARTITIONS(false),
        /**
         * {@code cleanup.policy} differs. Never changed: turning a compacted topic into a delete topic (or back) changes
         * what a key means to every consumer.
         */
        CLEANUP_POLICY(false),
        /** The replication factor differs: needs a partition reassignment, which is an operator's decision. */
        REPLICATION_FACTOR(false);

        private final boolean fixable;

        Kind(boolean fixable) {
            this.fixable = fixable;
        }

        /** @return true when {@code create} brings the topic in line; false when it refuses */
        public boolean fixable() {
            return fixable;
        }
    }
}
