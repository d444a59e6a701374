package io.slotstream.schemas.topic;

/** Kafka {@code cleanup.policy} of a catalogue topic (design.md, "Topic catalogue (v1)"). */
public enum CleanupPolicy {
    /** Keep the latest value per key; a null value (tombstone) deletes the key. */
    COMPACT("compact"),
    /** Drop records older than the topic's retention. */
    DELETE("delete");

    private final String config;

    CleanupPolicy(String config) {
        this.config = config;
    }

    /** @return the value of the Kafka topic config {@code cleanup.policy}: {@code compact} or {@code delete} */
    public String config() {
        return config;
    }
}
