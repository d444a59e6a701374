package io.slotstream.ingest.ordering;

import io.slotstream.avro.Provenance;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A resource version as its source stated it: {@code meta.versionId} and {@code meta.lastUpdated} (either may be
 * null). Ingest keeps no version counter of its own: these are what the ordering rule compares, what {@code ETag} and
 * {@code Last-Modified} show and what {@code If-Match} is checked against (FHIR R4 http.html#versioning).
 *
 * @param versionId   meta.versionId, verbatim; null when absent
 * @param lastUpdated meta.lastUpdated as a UTC instant (millisecond precision, as stored); null when absent
 */
public record SourceVersion(String versionId, Instant lastUpdated) {

    /** versionIds that compare as numbers (FHIR servers count up); others only compare for equality. */
    private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,18}");

    public static final SourceVersion NONE = new SourceVersion(null, null);

    /** @return the version carried in the record's provenance ({@code sourceVersionId}, {@code sourceLastUpdated}) */
    public static SourceVersion of(SpecificRecord record) {
        Provenance p = (Provenance) record.get(record.getSchema().getField("provenance").pos());
        return new SourceVersion(p.getSourceVersionId(), p.getSourceLastUpdated());
    }

    /** @return the versionId as a number, or -1 when absent or not a plain non-negative integer */
    public long numeric() {
        return versionId != null && NUMERIC.matcher(versionId).matches() ? Long.parseLong(versionId) : -1;
    }

    /** @return the weak ETag {@code W/"<versionId>"}, or null without a versionId */
    public String etag() {
        return versionId == null ? null : "W/\"" + versionId + "\"";
    }

    /** @return e.g. {@code versionId 3, lastUpdated 2026-10-01T12:00:00Z}, or {@code no versionId or lastUpdated} */
    public String describe() {
        if (versionId == null && lastUpdated == null) {
            return "no versionId or lastUpdated";
        }
        StringBuilder b = new StringBuilder();
        if (versionId != null) {
            b.append("versionId ").append(versionId);
        }
        if (lastUpdated != null) {
            b.append(b.isEmpty() ? "" : ", ").append("lastUpdated ").append(lastUpdated);
        }
        return b.toString();
    }
}
