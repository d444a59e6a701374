package io.slotstream.ingest.intake;

import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.Resource;

/**
 * A validated, normalised, re-identified write, ready for Kafka.
 *
 * @param kind     resource type
 * @param sourceId the id as the source stated it (URLs and Location headers use it)
 * @param key      canonical id: the Kafka key
 * @param resource the resource as it will be stored (canonical ids); null for a delete and for a write prepared
 *                 without HAPI ({@link ResourcePreparer#upsertRecord})
 * @param record   its Avro record; null for a delete (tombstone)
 * @param rawBytes size of the resource JSON as received, in bytes (0 for a delete)
 * @param ifMatch  the {@code If-Match} precondition (HTTP header or {@code Bundle.entry.request.ifMatch}, e.g.
 *                 {@code W/"3"}); null when none
 */
public record PreparedWrite(ResourceKind kind, String sourceId, String key, Resource resource, SpecificRecord record,
                            int rawBytes, String ifMatch) {

    public PreparedWrite(ResourceKind kind, String sourceId, String key, Resource resource, SpecificRecord record,
                         int rawBytes) {
        this(kind, sourceId, key, resource, record, rawBytes, null);
    }

    public boolean isDelete() {
        return record == null;
    }

    /** @return this write with the {@code If-Match} precondition {@code ifMatch} (null or blank = none) */
    public PreparedWrite withIfMatch(String ifMatch) {
        return new PreparedWrite(kind, sourceId, key, resource, record, rawBytes,
                ifMatch == null || ifMatch.isBlank() ? null : ifMatch);
    }
}
