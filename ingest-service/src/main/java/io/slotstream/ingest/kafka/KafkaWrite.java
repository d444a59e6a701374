package io.slotstream.ingest.kafka;

import io.slotstream.schemas.topic.Topic;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record to produce.
 *
 * @param topic catalogue topic
 * @param key   canonical id (fhir.* topics) or source id (dead letters)
 * @param value Avro value; null = tombstone (delete on a compacted topic)
 */
public record KafkaWrite(Topic<?> topic, String key, SpecificRecord value) {
}
